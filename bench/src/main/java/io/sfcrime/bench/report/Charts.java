package io.sfcrime.bench.report;

import io.sfcrime.bench.Profiles.Role;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Run;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The report's PNG charts, drawn headless with JFreeChart. */
final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Every chart the results have data for, into {@code dir}. */
    static void draw(Numbers n, Path dir) {
        Results.File r = n.r;
        Map<String, Double> rates = new LinkedHashMap<>();
        Map<String, Integer> colors = new LinkedHashMap<>();
        for (Run x : r.runs()) {
            if (!"producer".equals(x.kind())) {
                String label = x.name() + (x.valid() ? "" : " (invalid)");
                rates.put(label, x.valid() ? x.rowsPerSecond() : Double.valueOf(0));
                colors.put(label, "ceiling".equals(x.kind()) ? 2 : n.role(x) == Role.BASELINE ? 3 : 0);
            }
        }
        bars(dir.resolve("bench-throughput.png"), "Rows per second (median of repetitions)", "rows/s", rates, colors);
        Map<String, Map<Double, Double>> shuffle = new LinkedHashMap<>();
        for (Run x : n.spark()) {
            String partitions = x.settings().get("spark.sql.shuffle.partitions");
            boolean inSweep = n.role(x) == Role.SHUFFLE_SWEEP || n.role(x) == Role.BASELINE;
            if (inSweep && partitions != null && x.valid() && x.rowsPerSecond() != null) {
                shuffle.computeIfAbsent("rows/s at " + (x.maxOffsetsPerTrigger() == null ? "?"
                        : String.format(Locale.ROOT, "%,d", x.maxOffsetsPerTrigger())) + " per batch",
                        k -> new TreeMap<>()).put(Double.parseDouble(partitions), x.rowsPerSecond());
            }
        }
        if (!shuffle.isEmpty()) {
            lines(dir.resolve("bench-shuffle.png"), "Rows per second by spark.sql.shuffle.partitions",
                    "spark.sql.shuffle.partitions", "rows/s", shuffle, true, false);
        }
        if (r.latency() != null && !r.latency().isEmpty()) {
            Map<String, Map<Double, Double>> s = new LinkedHashMap<>();
            r.latency().forEach(l -> s.computeIfAbsent(l.profile(), k -> new TreeMap<>()).put(l.targetRate(),
                    l.p95Ms()));
            lines(dir.resolve("bench-latency.png"), "p95 latency (produce to result row)", "producer rate (rows/s)",
                    "p95 ms (log scale)", s, false, true);
        }
        for (String series : List.of("records", "windows")) {
            Map<String, Map<Double, Double>> s = new LinkedHashMap<>();
            if (r.scaling() != null) {
                r.scaling().stream().filter(p -> p.series().equals(series)).forEach(p -> s.computeIfAbsent(
                        p.engine(), k -> new TreeMap<>()).put((double) (series.equals("records") ? p.records()
                        : p.windows()), p.rowsPerSecond()));
            }
            if (!s.isEmpty()) {
                lines(dir.resolve("bench-scaling-" + series + ".png"), "Rows per second by " + series,
                        series.equals("records") ? "records (N)" : "distinct hourly windows", "rows/s (log scale)", s,
                        true, true);
            }
        }
    }

    /** One bar per label, in the given order; {@code colorOf} picks a palette index per bar. */
    private static void bars(Path file, String title, String valueLabel, Map<String, Double> values,
                     Map<String, Integer> colorOf) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((k, v) -> data.addValue(v == null ? 0 : v, "value", k));
        CategoryAxis x = new CategoryAxis();
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        NumberAxis y = new NumberAxis(valueLabel);
        List<String> keys = List.copyOf(values.keySet());
        BarRenderer r = new BarRenderer() {
            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                return PALETTE[colorOf.getOrDefault(keys.get(column), 0) % PALETTE.length];
            }
        };
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        // The value on each bar: the chart is read for its numbers, not only its shape.
        r.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator("{2}",
                new java.text.DecimalFormat("#,##0")));
        r.setDefaultItemLabelsVisible(true);
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false), 900, 520);
    }

    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        // Plain numbers at powers of ten, not 10^0.3 exponents.
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        a.setSmallestValue(0.5);
        return a;
    }

    /** Lines through (x, y) points, one per series name; log-scaled axes where asked. */
    private static void lines(Path file, String title, String xLabel, String yLabel,
                              Map<String, Map<Double, Double>> series, boolean logX, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            points.forEach((xv, yv) -> {
                if (yv != null) {
                    s.add(xv, yv);
                }
            });
            data.addSeries(s);
        });
        // Series a decade or more apart (ceiling vs Spark, defaults vs tuned) need a log scale to be read at all.
        org.jfree.chart.axis.ValueAxis y = logY ? logAxis(yLabel) : new NumberAxis(yLabel);
        org.jfree.chart.axis.ValueAxis x = logX ? logAxis(xLabel) : new NumberAxis(xLabel);
        XYPlot plot = new XYPlot(data, x, y, new XYLineAndShapeRenderer(true, true));
        for (int i = 0; i < data.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), 800, 480);
    }

    private static void save(Path file, JFreeChart chart, int w, int h) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(file.toFile(), chart, w, h);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }
}
