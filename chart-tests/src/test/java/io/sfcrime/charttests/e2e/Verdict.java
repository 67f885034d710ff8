package io.sfcrime.charttests.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a run, printed as the one line scripts read:
 * {@code e2e: PASS executors=N report=equal rbac_denied=0 unused_grants=N}, or {@code e2e: FAIL ...} with the same
 * fields and why; a scenario may lead with fields of its own ({@link #headline}). A PASS needs no failure, equal
 * reports and no denied request.
 */
public final class Verdict {
    private final List<String> failures = new ArrayList<>();
    private int executors;
    private String report = "missing";
    private int rbacDenied;
    private int unusedGrants;
    private String headline;

    public synchronized void fail(String why) {
        failures.add(why);
    }

    public synchronized void executors(int n) {
        executors = n;
    }

    /** equal, differs or missing. */
    public synchronized void report(String outcome) {
        report = outcome;
    }

    /**
     * A scenario's own leading fields, in place of {@code executors=N}: e.g.
     * {@code scenario=autoscale executors_max=3 executors_end=1 lag_end=0}.
     */
    public synchronized void headline(String fields) {
        headline = fields;
    }

    public synchronized void rbac(int denied, int unused) {
        rbacDenied = denied;
        unusedGrants = unused;
    }

    public synchronized boolean passed() {
        return failures.isEmpty() && report.equals("equal") && rbacDenied == 0;
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public synchronized String line() {
        String fields = (headline != null ? headline : "executors=" + executors) + " report=" + report + " rbac_denied=" + rbacDenied
                + " unused_grants=" + unusedGrants;
        if (passed()) {
            return "e2e: PASS " + fields;
        }
        List<String> why = new ArrayList<>(failures);
        if (why.isEmpty()) {
            why.add(rbacDenied > 0 ? rbacDenied + " request(s) of the driver denied by its Role" : "report " + report);
        }
        return "e2e: FAIL " + fields + " why: " + String.join("; ", why).replace('\n', ' ');
    }
}
