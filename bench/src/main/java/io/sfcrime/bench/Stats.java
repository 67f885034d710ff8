package io.sfcrime.bench;

import java.util.Collection;

/** Order statistics for small samples: the harness reports medians and spreads, never means of rates. */
public final class Stats {
    private Stats() {
    }

    /** Min, median, max of a sample without its NaNs; NaN everywhere for an empty one. */
    public record Spread(double min, double median, double max, int n) {
    }

    public static Spread spread(Collection<? extends Number> values) {
        double[] v = values.stream().mapToDouble(Number::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        return v.length == 0 ? new Spread(Double.NaN, Double.NaN, Double.NaN, 0)
                : new Spread(v[0], quantileSorted(v, 0.5), v[v.length - 1], v.length);
    }

    public static double median(Collection<? extends Number> values) {
        return quantile(values, 0.5);
    }

    /**
     * The q-quantile with linear interpolation between closest ranks (Hyndman and Fan type 7, what numpy and
     * most spreadsheets use); NaN for an empty sample.
     */
    public static double quantile(Collection<? extends Number> values, double q) {
        return quantileSorted(values.stream().mapToDouble(Number::doubleValue).sorted().toArray(), q);
    }

    private static double quantileSorted(double[] sorted, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be within [0, 1], got " + q);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        return sorted[lo] + (h - lo) * (sorted[(int) Math.ceil(h)] - sorted[lo]);
    }

    /** a / b, NaN when either is missing or b is 0. */
    public static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
