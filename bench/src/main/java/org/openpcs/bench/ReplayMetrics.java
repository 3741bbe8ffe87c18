package org.openpcs.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Cost efficiency of one replay: what was billed (instance lifetimes) against what the jobs used
 * (node-seconds between each job's start and end), the cost of the bill at an hourly price, and how
 * long jobs waited. Pure, so it can be checked by hand.
 */
record ReplayMetrics(
    int jobs,
    int unfinishedJobs,
    double billedInstanceSeconds,
    double busyNodeSeconds,
    Double billedOverBusy,
    double cost,
    Double meanWaitSeconds,
    Double p90WaitSeconds) {

  /** An instance's billed lifetime, epoch seconds; {@code end} null while still running. */
  record Interval(String instanceId, double start, Double end) {}

  /** One job as Slurm recorded it: epoch seconds; {@code start}/{@code end} null if not reached. */
  record JobRecord(long jobId, double submit, Double start, Double end, int nodes) {}

  /**
   * @param until the end of the measurement: instances still running are billed up to it
   */
  static ReplayMetrics compute(
      List<Interval> instances, List<JobRecord> jobs, double pricePerHour, double until) {
    double billed = 0;
    for (Interval i : instances) {
      double end = i.end() == null ? until : Math.min(i.end(), until);
      billed += Math.max(0, end - i.start());
    }
    double busy = 0;
    int unfinished = 0;
    List<Double> waits = new ArrayList<>();
    for (JobRecord j : jobs) {
      if (j.start() == null) {
        unfinished++;
        continue;
      }
      waits.add(Math.max(0, j.start() - j.submit()));
      double end = j.end() == null ? until : j.end();
      if (j.end() == null) {
        unfinished++;
      }
      busy += Math.max(0, end - j.start()) * j.nodes();
    }
    Stats w = Stats.of(waits);
    return new ReplayMetrics(
        jobs.size(),
        unfinished,
        billed,
        busy,
        busy > 0 ? billed / busy : null,
        billed / 3600.0 * pricePerHour,
        w.mean(),
        w.p90());
  }

  /** Billing starts at the replay's start for instances launched before it (static nodes). */
  static List<ReplayMetrics.Interval> clamp(List<ReplayMetrics.Interval> in, double start) {
    List<ReplayMetrics.Interval> out = new ArrayList<>();
    for (ReplayMetrics.Interval i : in) {
      if (i.end() != null && i.end() <= start) {
        continue;
      }
      out.add(new ReplayMetrics.Interval(i.instanceId(), Math.max(start, i.start()), i.end()));
    }
    return out;
  }
}
