package io.sfcrime.bench.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimelineChartTest {
    @TempDir
    Path dir;

    /** As the e2e rig writes it (chart-tests Timeline), with a column this chart does not draw in between. */
    static final List<String> CSV = List.of(
            "# make e2e SCENARIO=autoscale: producer --rate-schedule 200:50s,3000:70s,200:50s",
            "seconds,input_end_offsets,input_rate,lag,executor_pods,executors_registered,autoscaler_target",
            "0.0,0,0,0,1,1,-1",
            "3.0,600,200,150,1,1,1",
            "6.0,9600,3000,7000,1,1,1",
            "9.0,18600,3000,12000,3,3,3",
            "12.0,19200,200,900,3,3,3",
            "15.0,19800,200,0,1,1,1");

    @Test
    void theCsvIsReadByColumnNameAndDrawnAsThreePanesOverOneTimeAxis() {
        TimelineChart.Timeline t = TimelineChart.read(CSV, "autoscale.csv");
        assertThat(t.comments()).containsExactly("make e2e SCENARIO=autoscale: producer --rate-schedule 200:50s,3000:70s,200:50s");
        assertThat(t.points()).hasSize(6);
        assertThat(t.points().get(3)).isEqualTo(new TimelineChart.Point(9.0, 3000, 12000, 3, 3));

        JFreeChart chart = TimelineChart.chart(t);
        List<XYPlot> panes = ((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots();
        assertThat(panes).hasSize(3);
        assertThat(panes).extracting(p -> p.getRangeAxis().getLabel()).containsExactly("records/s", "records", "executors");
        assertThat(panes.get(1).getDataset().getY(0, 3).longValue()).isEqualTo(12000);
        // Pods and target; the target starts at the first sample that had one.
        assertThat(panes.get(2).getDataset().getSeriesCount()).isEqualTo(2);
        assertThat(panes.get(2).getDataset().getItemCount(0)).isEqualTo(6);
        assertThat(panes.get(2).getDataset().getItemCount(1)).isEqualTo(5);
        assertThat(panes.get(2).getRangeAxis().getUpperBound()).isEqualTo(3.5);
        assertThat(((TextTitle) chart.getSubtitle(1)).getText()).contains("--rate-schedule");
    }

    @Test
    void thePngHasTheChartsSizeAndIsNotBlank() throws Exception {
        Path png = dir.resolve("img/autoscaling.png");
        TimelineChart.save(TimelineChart.chart(TimelineChart.read(CSV, "autoscale.csv")), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(TimelineChart.WIDTH);
        assertThat(img.getHeight()).isEqualTo(TimelineChart.HEIGHT);
        // Lines, labels and anti-aliasing: many colours; a blank or failed drawing has one or two.
        int[] pixels = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        assertThat(java.util.Arrays.stream(pixels).distinct().count()).isGreaterThan(10);
    }

    @Test
    void aCsvWithoutAColumnOrWithABadRowIsRefusedWithTheLine() {
        assertThatThrownBy(() -> TimelineChart.read(List.of("seconds,input_rate,lag,executor_pods", "0,0,0,1"), "x.csv"))
                .hasMessageContaining("x.csv line 1: the header has no column autoscaler_target");
        assertThatThrownBy(() -> TimelineChart.read(List.of(CSV.get(1), "0.0,0,0,zero,1,1,-1"), "x.csv"))
                .hasMessageContaining("x.csv line 2 is not a sample");
        assertThatThrownBy(() -> TimelineChart.read(List.of(CSV.get(1)), "x.csv")).hasMessage("x.csv has no samples");
    }
}
