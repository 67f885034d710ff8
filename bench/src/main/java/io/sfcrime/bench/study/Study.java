package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;

import java.io.IOException;

/**
 * One part of the benchmark. Studies run one after another against the same broker and input; each adds what it
 * measured to the {@link Lab} and may read what the studies before it measured (the ceiling's counts, the best
 * profile). A new study is a class here and a line in {@code Bench.STUDIES}.
 */
public interface Study {
    /** The name {@code --skip} takes. */
    String name();

    /** Whether it runs with these options: unless skipped, by default. */
    default boolean enabled(BenchOptions o) {
        return o.runs(name());
    }

    void run(Lab lab) throws IOException;
}
