package io.sfcrime.bench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GcHeapTest {
    @Test
    void peakIsTheFullestBeforeAndAfterGcTheFullestAfterACollection(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("gc.log"), """
                [0.004s][info][gc] Using G1
                [0.250s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->16M(380M) 5.938ms
                [1.431s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 910M->120M(2048M) 4.183ms
                [2.668s][info][gc] GC(2) Pause Young (Concurrent Start) (G1 Humongous Allocation) 700M->350M(2048M) 3.3ms
                """);
        Child.GcHeap heap = Child.GcHeap.read(log);
        assertThat(heap.peakMb()).isEqualTo(910);
        assertThat(heap.afterGcMb()).isEqualTo(350);
    }

    @Test
    void noLogOrNoCollectionIsUnknown(@TempDir Path dir) throws Exception {
        assertThat(Child.GcHeap.read(dir.resolve("missing.log")).peakMb()).isNaN();
        Child.GcHeap none = Child.GcHeap.read(Files.writeString(dir.resolve("gc.log"), "[0.004s][info][gc] Using G1\n"));
        assertThat(none.peakMb()).isNaN();
        assertThat(none.afterGcMb()).isNaN();
    }
}
