package io.sfcrime.bench.run;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuProfileTest {
    private static volatile long sink;

    @Test
    void aSampleGoesToTheFirstBucketFoundFromTheLeaf() {
        List<CpuProfile.Bucket> buckets = List.of(CpuProfile.Bucket.of("json", "com/fasterxml/jackson"),
                CpuProfile.Bucket.of("scan", "io/sfcrime/spark/pipeline/CallScan"));
        assertThat(CpuProfile.bucketOfNames(List.of("com/fasterxml/jackson/core/JsonFactory.createParser",
                "io/sfcrime/spark/pipeline/CallScan.scan"), buckets)).isEqualTo("json");
        assertThat(CpuProfile.bucketOfNames(List.of("java/lang/String.hashCode", "io/sfcrime/spark/pipeline/CallScan.scan"),
                buckets)).isEqualTo("scan");
        assertThat(CpuProfile.bucketOfNames(List.of("java/lang/Thread.run"), buckets)).isEqualTo("other");
        assertThat(CpuProfile.groupOf("Executor task launch worker-1", CpuProfile.SPARK_THREADS))
                .isEqualTo("executor tasks");
        assertThat(CpuProfile.groupOf(null, CpuProfile.SPARK_THREADS)).isEqualTo("other threads");
    }

    @Test
    void readsARealRecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spin.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.CPULoad").withPeriod(Duration.ofMillis(200));
            r.start();
            Thread t = new Thread(CpuProfileTest::spin, "main-spinner");
            t.start();
            t.join();
            r.stop();
            r.dump(file);
        }
        CpuProfile.Summary s = CpuProfile.read("test", "run", file,
                List.of(CpuProfile.Bucket.of("spin", "CpuProfileTest.spin")),
                List.of(new CpuProfile.ThreadGroup("spinner", "main-spinner")), "spin.jfr");
        assertThat(s.samples()).isPositive();
        assertThat(s.buckets().get(0).name()).isEqualTo("spin");
        assertThat(s.buckets().get(0).percent()).isGreaterThan(50);
        assertThat(s.threads().get(0).name()).isEqualTo("spinner");
        assertThat(s.processCpuPercent()).isNotNull().isPositive();
    }

    private static void spin() {
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        long x = 1;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }
}
