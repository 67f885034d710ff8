package io.sfcrime.bench.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code make autoscale-chart}: draws the timeline {@code make e2e SCENARIO=autoscale} samples (its
 * {@code autoscale.csv}) as one PNG of three panes over the same time axis: the input rate, the lag, and the
 * executor pods running with the count the autoscaler asked for. Headless JFreeChart, as the bench's report charts.
 * Columns are found by their header names, so the rig may add columns without breaking this.
 */
public final class TimelineChart {
    static final int WIDTH = 900;
    static final int HEIGHT = 640;
    private static final Color BLUE = new Color(0x1f77b4);
    private static final Color ORANGE = new Color(0xff7f0e);
    private static final Color GREEN = new Color(0x2ca02c);
    private static final Color GREY = new Color(0x7f7f7f);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One sample; {@code target} is -1 where the autoscaler had said nothing yet. */
    public record Point(double seconds, double inputRate, long lag, int pods, int target) {
    }

    /** The samples and the comment lines ({@code # ...}) that say how the run was set up. */
    public record Timeline(List<String> comments, List<Point> points) {
    }

    private TimelineChart() {
    }

    /** {@code TimelineChart CSV PNG}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TimelineChart AUTOSCALE_CSV OUTPUT_PNG");
            System.exit(2);
        }
        Timeline t = read(Files.readAllLines(Path.of(args[0])), args[0]);
        save(chart(t), Path.of(args[1]));
        System.out.println("drew " + t.points().size() + " samples of " + args[0] + " into " + args[1]);
    }

    /** Parses the CSV; a missing column or a bad number is refused with the file and line. */
    static Timeline read(List<String> lines, String source) {
        List<String> comments = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        int[] col = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (col == null) {
                List<String> header = Arrays.asList(f);
                col = new int[5];
                String[] names = {"seconds", "input_rate", "lag", "executor_pods", "autoscaler_target"};
                for (int k = 0; k < names.length; k++) {
                    col[k] = header.indexOf(names[k]);
                    if (col[k] < 0) {
                        throw new IllegalArgumentException(source + " line " + (i + 1) + ": the header has no column "
                                + names[k] + " (" + line + ")");
                    }
                }
                continue;
            }
            try {
                points.add(new Point(Double.parseDouble(f[col[0]]), Double.parseDouble(f[col[1]]),
                        Long.parseLong(f[col[2]]), Integer.parseInt(f[col[3]]), Integer.parseInt(f[col[4]])));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " is not a sample: " + line, e);
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(source + " has no samples");
        }
        return new Timeline(comments, points);
    }

    /** The chart: input rate, lag, then executor pods and target, sharing the time axis. */
    static JFreeChart chart(Timeline t) {
        XYSeries rate = new XYSeries("input rate (records/s)");
        XYSeries lag = new XYSeries("lag (records behind the input topic's end)");
        XYSeries pods = new XYSeries("executor pods running");
        XYSeries target = new XYSeries("autoscaler target");
        for (Point p : t.points()) {
            rate.add(p.seconds(), p.inputRate());
            lag.add(p.seconds(), p.lag());
            pods.add(p.seconds(), p.pods());
            if (p.target() >= 0) {
                target.add(p.seconds(), p.target());
            }
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since sampling began"));
        plot.setGap(8);
        plot.add(pane(new XYSeriesCollection(rate), "records/s", new XYLineAndShapeRenderer(true, false), BLUE), 2);
        plot.add(pane(new XYSeriesCollection(lag), "records", new XYLineAndShapeRenderer(true, false), ORANGE), 2);
        XYSeriesCollection executors = new XYSeriesCollection(pods);
        if (target.getItemCount() > 0) {
            executors.addSeries(target);
        }
        XYStepRenderer step = new XYStepRenderer();
        XYPlot executorsPane = pane(executors, "executors", step, GREEN);
        step.setSeriesPaint(1, GREY);
        step.setSeriesStroke(0, new BasicStroke(2.5f));
        step.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        NumberAxis count = (NumberAxis) executorsPane.getRangeAxis();
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        count.setLowerBound(0);
        count.setUpperBound(Math.max(2, t.points().stream().mapToInt(p -> Math.max(p.pods(), p.target())).max()
                .orElse(1)) + 0.5);
        plot.add(executorsPane, 1);
        JFreeChart chart = new JFreeChart("Lag-driven executor autoscaling (make e2e SCENARIO=autoscale)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        if (!t.comments().isEmpty()) {
            chart.addSubtitle(new TextTitle(String.join(" ", t.comments()), new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        }
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYPlot pane(XYSeriesCollection data, String yLabel, XYLineAndShapeRenderer renderer, Color color) {
        renderer.setSeriesPaint(0, color);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(true);
        XYPlot p = new XYPlot(data, null, y, renderer);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    static void save(JFreeChart chart, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }
}
