package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.PodSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * RBAC conformance of the driver: every request its ServiceAccount sent during the run (start, executor allocation,
 * tuning watch, status writes, shutdown and clean-up) as (verb, API group, resource, subresource, name) with its
 * response codes; the requests its Role denied (each fails the run); the grants it never used (candidates to
 * remove). Requests without a token are listed too: only the driver is meant to call the API. Written to
 * {@code rbac.txt} in the work directory.
 */
final class DriverRequests {
    private final Release release;
    private final MockApi apiServer;
    private final RigLog log;
    private final Path workDir;

    DriverRequests(Release release, MockApi apiServer, RigLog log, Path workDir) {
        this.release = release;
        this.apiServer = apiServer;
        this.log = log;
        this.workDir = workDir;
    }

    void check(Verdict verdict) {
        PodSpec spec = release.driver().getSpec().getTemplate().getSpec();
        String user = Rbac.serviceAccountUser(release.namespace(), spec.getServiceAccountName());
        List<MockApi.Audit> audit = apiServer.audit();
        Map<String, Map<Integer, Integer>> requests = new TreeMap<>();
        Set<String> denied = new LinkedHashSet<>();
        Set<Rbac.Grant> used = new LinkedHashSet<>();
        List<String> anonymous = new ArrayList<>();
        for (MockApi.Audit a : audit) {
            if (a.code() == 401) {
                anonymous.add(a.method() + " " + a.target());
            }
            if (!a.user().equals(user)) {
                continue;
            }
            requests.computeIfAbsent(a.info().describe(), k -> new TreeMap<>()).merge(a.code(), 1, Integer::sum);
            if (a.denied()) {
                denied.add(a.info().describe());
            }
            if (a.grant() != null) {
                used.add(a.grant());
            }
        }
        List<Rbac.Grant> unused = apiServer.rbac().grantsOf(user, release.namespace()).stream()
                .filter(g -> !used.contains(g)).toList();
        verdict.rbac(denied.size(), unused.size());
        List<String> report = new ArrayList<>();
        report.add("Requests of " + user + " (request -> response code x count):");
        requests.forEach((r, codes) -> report.add("  " + r + " -> " + codes));
        report.add("Denied by the Role (" + denied.size() + "):");
        denied.forEach(d -> report.add("  " + d));
        report.add("Grants never used, candidates to remove (" + unused.size() + "):");
        unused.forEach(g -> report.add("  " + g));
        if (!anonymous.isEmpty()) {
            report.add("Requests without a token (" + anonymous.size() + "): " + anonymous);
        }
        report.forEach(log::say);
        try {
            Files.write(workDir.resolve("rbac.txt"), report);
        } catch (IOException e) {
            log.say("cannot write rbac.txt: " + e.getMessage());
        }
        if (requests.isEmpty()) {
            verdict.fail("the driver sent no request to the API server as " + user);
        }
        if (!denied.isEmpty()) {
            verdict.fail("the driver's Role denies " + denied);
        }
        if (!anonymous.isEmpty()) {
            verdict.fail(anonymous.size() + " API request(s) without a token, e.g. " + anonymous.get(0));
        }
    }
}
