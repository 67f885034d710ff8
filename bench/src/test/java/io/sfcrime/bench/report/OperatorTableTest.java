package io.sfcrime.bench.report;

import io.sfcrime.bench.run.OperatorBreakdown;
import io.sfcrime.bench.run.OperatorBreakdown.Part;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM sentence of the operator table, for runs recorded with and without the threads' CPU. */
class OperatorTableTest {
    private static void jvm(Map<String, Part> parts, String counter, double ms) {
        String measure = OperatorBreakdown.jvmMeasure(counter);
        parts.put(OperatorBreakdown.JVM + " | " + measure, new Part(OperatorBreakdown.JVM, measure, ms, false));
    }

    /** The management beans' three counters, as every run since they were added recorded them. */
    private static Map<String, Part> beans(double jitMs) {
        Map<String, Part> parts = new LinkedHashMap<>();
        jvm(parts, OperatorBreakdown.JIT_COMPILE, jitMs);
        jvm(parts, OperatorBreakdown.GC_PAUSE, 20);
        jvm(parts, OperatorBreakdown.PROCESS_CPU, 3000);
        return parts;
    }

    @Test
    void withoutThreadCpuOnlyTheBeansAreQuoted() {
        Map<String, Part> parts = beans(1000);
        assertThat(OperatorTable.jvmSentence(parts, 2000, 2)).isEqualTo(" Meanwhile the JVM itself: its JIT compilers"
                + " worked 1,000 ms (50% of the batch's wall time, summed over their threads, on the cores the tasks"
                + " use), GC paused it 20 ms, and the process used 3,000 ms of CPU in all.");
    }

    @Test
    void withThreadCpuTheCoresTimeIsSplitAndIdleIsWhatNobodyUsed() {
        Map<String, Part> parts = beans(300);
        jvm(parts, OperatorBreakdown.JIT_CPU, 1000);
        jvm(parts, OperatorBreakdown.GC_CPU, 200);
        jvm(parts, OperatorBreakdown.TASK_CPU, 1500);
        assertThat(OperatorTable.jvmSentence(parts, 2000, 2))
                .contains("Of the 4,000 ms of CPU its 2 cores offered", "the executor tasks used 1,500 ms (38%)",
                        "the JIT compilers 1,000 ms (25%", "the GC threads 200 ms (5%; pauses 20 ms)",
                        "listeners) 300 ms (8%)", "and 1,000 ms (25%) stayed idle");
        // Without the machine's cores the split has no whole: the beans' sentence instead.
        assertThat(OperatorTable.jvmSentence(parts, 2000, 0)).startsWith(" Meanwhile the JVM itself");
        assertThat(OperatorTable.jvmSentence(Map.of(), 2000, 2)).isEmpty();
    }
}
