package org.openpcs.bench;

import java.util.Locale;
import java.util.Map;

/** The replay's targets, as notes under its table: each elastic config against the static one. */
final class ReplayTargets {
  static final double TARGET_RATIO = 1.15;
  static final double TARGET_WAIT = 1.10;

  private ReplayTargets() {}

  static void notes(BenchReport report, Map<String, ReplayMetrics> results) {
    ReplayMetrics st = results.get("static");
    for (var e : results.entrySet()) {
      ReplayMetrics m = e.getValue();
      if (e.getKey().equals("static") || m.billedOverBusy() == null) {
        continue;
      }
      String wait = "n/a";
      if (st != null && st.meanWaitSeconds() != null && m.meanWaitSeconds() != null) {
        double allowed = st.meanWaitSeconds() * TARGET_WAIT;
        wait =
            String.format(
                Locale.ROOT,
                "mean wait %.2f s vs static %.2f s (target <= +10%%: %s)",
                m.meanWaitSeconds(),
                st.meanWaitSeconds(),
                m.meanWaitSeconds() <= allowed ? "met" : "missed");
      }
      report.notes.add(
          String.format(
              Locale.ROOT,
              "%s: billed/busy %.3f (target < %.2f: %s); %s",
              e.getKey(),
              m.billedOverBusy(),
              TARGET_RATIO,
              m.billedOverBusy() < TARGET_RATIO ? "met" : "missed",
              wait));
    }
  }
}
