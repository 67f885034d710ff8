package io.sfcrime.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics for small samples: the harness reports medians and spreads, never means of rates. */
public final class Stats {
    private Stats() {
    }

    /** Min, median, max of a sample; NaN everywhere for an empty one. */
    public record Spread(double min, double median, double max, int n) {
        /** (max - min) / median: how much the repetitions disagree. */
        public double relativeRange() {
            return median == 0 ? Double.NaN : (max - min) / median;
        }
    }

    public static Spread spread(Collection<? extends Number> values) {
        double[] v = values.stream().mapToDouble(Number::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        Arrays.sort(v);
        return new Spread(v[0], quantileSorted(v, 0.5), v[v.length - 1], v.length);
    }

    public static double median(Collection<? extends Number> values) {
        return quantile(values, 0.5);
    }

    /**
     * The q-quantile with linear interpolation between closest ranks (Hyndman and Fan type 7, what numpy and
     * most spreadsheets use); NaN for an empty sample.
     */
    public static double quantile(Collection<? extends Number> values, double q) {
        double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(v);
        return quantileSorted(v, q);
    }

    public static double quantileSorted(double[] sorted, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be within [0, 1], got " + q);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** a / b, NaN when either is missing or b is 0. */
    public static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
