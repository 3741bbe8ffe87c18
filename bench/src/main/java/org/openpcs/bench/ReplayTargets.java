package org.openpcs.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The replay's targets, as notes under its table: each elastic config against the static one. */
final class ReplayTargets {
  static final double TARGET_RATIO = 1.15;
  static final double TARGET_WAIT = 1.10;

  private ReplayTargets() {}

  /**
   * One note per config but the static one. Pure.
   *
   * @param jobs each config's jobs as observed, for the first job's cold start
   * @param compression the replay's time compression: one second here is that many of the log's
   */
  static List<String> notes(
      Map<String, ReplayMetrics> results,
      Map<String, List<ReplayMetrics.JobRecord>> jobs,
      double compression) {
    List<String> notes = new ArrayList<>();
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
      Double cold = coldStartSeconds(jobs.get(e.getKey()), jobs.get("static"));
      // A boot does not shrink with the log's time: at compression F, every second a cold start
      // takes here stands for F seconds of the log, and that is what the waits are weighed against.
      String coldNote =
          cold == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; the first job's cold start %+.2f s over static = %.0f s of the log's time",
                  cold,
                  cold * compression);
      notes.add(
          String.format(
              Locale.ROOT,
              "%s: billed/busy %.3f (target < %.2f: %s); %s%s",
              e.getKey(),
              m.billedOverBusy(),
              TARGET_RATIO,
              m.billedOverBusy() < TARGET_RATIO ? "met" : "missed",
              wait,
              coldNote));
    }
    return notes;
  }

  /**
   * How much longer the window's first job waited in a group that starts at zero nodes than in the
   * static group, whose nodes are up: the cost of a cold start as the replay's jobs meet it. Null
   * when either first job never started.
   */
  static Double coldStartSeconds(
      List<ReplayMetrics.JobRecord> elastic, List<ReplayMetrics.JobRecord> stat) {
    Double a = firstWait(elastic);
    Double b = firstWait(stat);
    return a == null || b == null ? null : a - b;
  }

  private static Double firstWait(List<ReplayMetrics.JobRecord> jobs) {
    if (jobs == null) {
      return null;
    }
    return jobs.stream()
        .min(Comparator.comparingDouble(ReplayMetrics.JobRecord::submit))
        .filter(j -> j.start() != null)
        .map(j -> j.start() - j.submit())
        .orElse(null);
  }
}
