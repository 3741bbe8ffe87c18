package org.openpcs.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Summary statistics of a handful of repetitions. Percentiles use the nearest-rank method: with few
 * samples an interpolated p90 would be a value that was never measured.
 */
record Stats(int n, Double min, Double median, Double p90, Double max, Double mean) {

  static Stats of(List<Double> values) {
    List<Double> v = new ArrayList<>();
    for (Double d : values) {
      if (d != null && !d.isNaN()) {
        v.add(d);
      }
    }
    if (v.isEmpty()) {
      return new Stats(0, null, null, null, null, null);
    }
    Collections.sort(v);
    double sum = 0;
    for (double d : v) {
      sum += d;
    }
    return new Stats(
        v.size(),
        v.get(0),
        percentile(v, 50),
        percentile(v, 90),
        v.get(v.size() - 1),
        sum / v.size());
  }

  /** Nearest rank: the smallest sample with at least {@code p} % of the samples at or below it. */
  static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
