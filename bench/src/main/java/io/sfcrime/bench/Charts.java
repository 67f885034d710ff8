package io.sfcrime.bench;

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
import java.util.Map;

/** PNG charts with JFreeChart, drawn headless. */
final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** One bar per label, in the given order; {@code colorOf} picks a palette index per bar. */
    static void bars(Path file, String title, String valueLabel, Map<String, Double> values,
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

    /** Lines through (x, y) points, one per series name; log-scaled x when {@code logX}. */
    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        // Plain numbers at powers of ten, not 10^0.3 exponents.
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        a.setSmallestValue(0.5);
        return a;
    }

    static void lines(Path file, String title, String xLabel, String yLabel, Map<String, Map<Double, Double>> series,
                      boolean logX, boolean logY) {
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

    static Map<String, Map<Double, Double>> newSeries() {
        return new LinkedHashMap<>();
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
