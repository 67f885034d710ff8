package io.sfcrime.common.gen;

import java.util.List;
import java.util.SplittableRandom;

/** The generator's random choices (by cumulative weights or uniform) and the modular arithmetic of its shuffle. */
final class Sampling {
    private Sampling() {
    }

    static double[] cdf(double[] weights) {
        double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cdf[i] = sum;
        }
        for (int i = 0; i < cdf.length; i++) {
            cdf[i] /= sum;
        }
        cdf[cdf.length - 1] = 1.0;
        return cdf;
    }

    static String pick(List<String> values, double[] cdf, SplittableRandom rnd) {
        double u = rnd.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return values.get(lo);
    }

    static String pick(List<String> values, SplittableRandom rnd) {
        return values.get(rnd.nextInt(values.size()));
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static long mulMod(long a, long b, long m) {
        // a, b < m <= 3e9, so the product fits in a long.
        return Math.floorMod(a * b, m);
    }
}
