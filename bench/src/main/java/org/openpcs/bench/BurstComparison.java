package org.openpcs.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The burst's notes comparing OpenPCS with the floor for one node count: each measure of a single
 * run per system, or the medians of the runs when repeated.
 */
final class BurstComparison {
  private final BenchReport report;
  private final int n;
  private final List<Map<String, Object>> o;
  private final List<Map<String, Object>> f;

  /**
   * @param o OpenPCS's runs
   * @param f the floor's runs
   */
  BurstComparison(
      BenchReport report, int n, List<Map<String, Object>> o, List<Map<String, Object>> f) {
    this.report = report;
    this.n = n;
    this.o = o;
    this.f = f;
  }

  /** OpenPCS against the floor for one measure: of single runs, or of the runs' medians. */
  void ratio(String key, String label) {
    Double a = median(o, key);
    Double b = median(f, key);
    if (a == null || b == null || b <= 0) {
      return;
    }
    double x = a / b;
    String of =
        o.size() == 1 && f.size() == 1
            ? ""
            : " (medians of " + o.size() + " and " + f.size() + " runs)";
    report.notes.add(
        String.format(
            Locale.ROOT,
            "%d nodes, %s%s: OpenPCS %.2f s vs floor %.2f s = %.2fx (target <= %.2fx: %s)",
            n,
            label,
            of,
            a,
            b,
            x,
            ColdStartBenchCommand.TARGET_RATIO,
            x <= ColdStartBenchCommand.TARGET_RATIO ? "met" : "missed"));
  }

  /** No target: how much more work the machine did, which on two cores is what takes time. */
  void cpu() {
    Double a = median(o, "scaleUpCpu");
    Double b = median(f, "scaleUpCpu");
    if (a != null && b != null && b > 0) {
      report.notes.add(
          String.format(
              Locale.ROOT,
              "%d nodes, CPU the whole machine used from sbatch to the last slurmd responding:"
                  + " OpenPCS %.1f CPU-s vs floor %.1f CPU-s = %.2fx",
              n,
              a,
              b,
              a / b));
    }
  }

  /**
   * The median of a measure over the runs that have it, the mean of the middle two for an even
   * count: the nearest rank would be the smaller of two runs, for both systems.
   */
  private static Double median(List<Map<String, Object>> runs, String key) {
    List<Double> v =
        runs.stream()
            .map(r -> r.get(key))
            .filter(Double.class::isInstance)
            .map(Double.class::cast)
            .sorted()
            .toList();
    if (v.isEmpty()) {
      return null;
    }
    int m = v.size() / 2;
    return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
  }
}
