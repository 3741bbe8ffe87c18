package org.openpcs.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an elastic group would have been billed for the same job runs by a scale-down policy that
 * knew the future: a reference for how much of a replay's overhead a better idle policy could
 * remove (approximate: the runs keep their observed start times and the group's median boot).
 *
 * <p>The group is seen as levels: level k is busy while at least k nodes run jobs. Each level's
 * node is launched once, {@code relaunchSeconds} before its first use (billed while it boots), and
 * across each idle gap it is either kept (billed for the gap) or released and launched again
 * (billed for a boot) — whichever is cheaper. After its last use it is released at once. Pure.
 */
final class Hindsight {
  private Hindsight() {}

  /**
   * Billed instance-seconds; jobs without a start or end are left out, and so are jobs timed as 0 s
   * (finished between two polls): they used no measurable node time, though each did cost a boot.
   */
  static double billed(List<ReplayMetrics.JobRecord> jobs, double relaunchSeconds) {
    record Change(double at, int delta) {}
    List<Change> changes = new ArrayList<>();
    for (ReplayMetrics.JobRecord j : jobs) {
      if (j.start() != null && j.end() != null && j.end() > j.start()) {
        changes.add(new Change(j.start(), j.nodes()));
        changes.add(new Change(j.end(), -j.nodes()));
      }
    }
    // at equal times, ends first: a node freed and taken in the same instant never idles
    changes.sort(Comparator.comparingDouble(Change::at).thenComparingInt(Change::delta));
    List<Double> idleSince = new ArrayList<>(); // per level; NaN while busy
    double billed = 0;
    int busy = 0;
    for (Change c : changes) {
      if (c.delta() > 0) {
        for (int level = busy; level < busy + c.delta(); level++) {
          if (level == idleSince.size()) {
            idleSince.add(Double.NaN);
            billed += relaunchSeconds; // first launch
          } else {
            billed += Math.min(c.at() - idleSince.get(level), relaunchSeconds);
          }
          idleSince.set(level, Double.NaN);
          billed -= c.at(); // busy from now ...
        }
      } else {
        for (int level = busy + c.delta(); level < busy; level++) {
          billed += c.at(); // ... until now
          idleSince.set(level, c.at());
        }
      }
      busy += c.delta();
    }
    return billed;
  }
}
