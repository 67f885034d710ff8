package io.sfcrime.charttests.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimelineTest {
    @TempDir
    Path dir;

    /** Samples 3 s apart with these pod counts and lags. */
    static List<Timeline.Sample> samples(int[] pods, long[] lag) {
        List<Timeline.Sample> out = new ArrayList<>();
        for (int i = 0; i < pods.length; i++) {
            out.add(new Timeline.Sample(i * 3.0, 1000L * i, i == 0 ? 0 : 333, lag[i], pods[i], pods[i], pods[i]));
        }
        return out;
    }

    @Test
    void theCsvRoundTripsWithItsCommentsAndHeader() throws IOException {
        List<Timeline.Sample> s = List.of(new Timeline.Sample(0.0, 0, 0, 0, 1, 1, -1),
                new Timeline.Sample(3.04, 9000, 2999.4, 4500, 3, 2, 3));
        Path csv = dir.resolve("sub/autoscale.csv");
        Timeline.write(csv, List.of("producer --rate-schedule 200:50s\nand more"), s);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).containsExactly("# producer --rate-schedule 200:50s and more", Timeline.HEADER,
                "0.0,0,0,0,1,1,-1", "3.0,9000,2999,4500,3,2,3");
        assertThat(Timeline.read(csv)).containsExactly(s.get(0), new Timeline.Sample(3.0, 9000, 2999, 4500, 3, 2, 3));
    }

    @Test
    void aCsvWithoutTheHeaderOrWithBadRowsIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> Timeline.parse(List.of("# c", "0.0,0,0,0,1,1,-1")))
                .hasMessageContaining("line 2 is not the header");
        assertThatThrownBy(() -> Timeline.parse(List.of(Timeline.HEADER, "0.0,0,0,0,1,1")))
                .hasMessageContaining("line 2 has 6 fields, not 7");
        assertThatThrownBy(() -> Timeline.parse(List.of(Timeline.HEADER, "", "0.0,0,0,x,1,1,-1")))
                .hasMessageContaining("line 3 is not numbers");
    }

    @Test
    void upThenDownIsSummarisedWithItsTimes() {
        Timeline.Summary s = Timeline.summarize(samples(new int[] {1, 1, 2, 3, 3, 2, 1, 1},
                new long[] {0, 500, 4000, 9000, 3000, 10, 0, 0}));
        assertThat(s.samples()).isEqualTo(8);
        assertThat(s.podsStart()).isEqualTo(1);
        assertThat(s.podsMax()).isEqualTo(3);
        assertThat(s.podsEnd()).isEqualTo(1);
        assertThat(s.registeredMax()).isEqualTo(3);
        assertThat(s.lagMax()).isEqualTo(9000);
        assertThat(s.lagEnd()).isZero();
        assertThat(s.scaleUpAt()).isEqualTo(6.0);
        assertThat(s.peakAt()).isEqualTo(9.0);
        assertThat(s.scaleDownAt()).isEqualTo(15.0);
        assertThat(s.firstDownAt()).isEqualTo(15.0);
        assertThat(s.upAfterDownAt()).isEqualTo(-1);
    }

    @Test
    void anUpAfterADownIsFoundEvenBeforeThePeak() {
        Timeline.Summary s = Timeline.summarize(samples(new int[] {1, 2, 1, 3, 1}, new long[] {0, 0, 0, 0, 0}));
        assertThat(s.firstDownAt()).isEqualTo(6.0);
        assertThat(s.upAfterDownAt()).isEqualTo(9.0);
        assertThat(s.peakAt()).isEqualTo(9.0);
        assertThat(s.scaleDownAt()).isEqualTo(12.0);
    }

    @Test
    void aFlatRunNeverScaled() {
        Timeline.Summary s = Timeline.summarize(samples(new int[] {2, 2, 2}, new long[] {10, 20, 30}));
        assertThat(s.scaleUpAt()).isEqualTo(-1);
        assertThat(s.scaleDownAt()).isEqualTo(-1);
        assertThat(s.lagEnd()).isEqualTo(30);
        assertThatThrownBy(() -> Timeline.summarize(List.of())).hasMessage("no samples");
    }
}
