package dev.fluxllm.bench.runner;

import java.util.Arrays;

/** Median with min and max of per-iteration figures. */
record Stats(double median, double min, double max) {

    static Stats of(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1]);
    }
}
