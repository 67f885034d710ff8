package io.sfcrime.common.tuning;

import java.util.Optional;

/**
 * The streaming job's queries, in the order they start. Declared here, beside the tuning keys, so each key can say
 * which queries it shapes; the queries themselves are built in spark-app. There is one: the dead letters are written
 * from the counts query's scan (until 2026-12 a second query read the whole topic again for them; a checkpoint of
 * that time still holds its {@code dead-letter} directory, which nothing reads any more).
 */
public enum JobQuery {
    /**
     * Kafka → validate (invalid records → dead-letter topic) → windowed counts and counters → results topic. Holds the
     * aggregation state.
     */
    COUNTS("calls-counts", "counts");

    private final String queryName;
    private final String checkpointDir;

    JobQuery(String queryName, String checkpointDir) {
        this.queryName = queryName;
        this.checkpointDir = checkpointDir;
    }

    /** Spark's name of the query: in the UI, the progress JSON ({@code name}) and the log. */
    public String queryName() {
        return queryName;
    }

    /** The query's own directory under the job's checkpoint directory. */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** The query of a Spark query name, if it is one of the job's. */
    public static Optional<JobQuery> byQueryName(String name) {
        for (JobQuery q : values()) {
            if (q.queryName.equals(name)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }
}
