package org.openpcs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A window of a job log turned into what the replay submits: each job becomes a sleep of its run
 * time divided by {@code compression}, on {@code ceil(procs / procsPerNode)} nodes capped to the
 * group's maximum, submitted at its log offset (relative to the window's first job) divided by
 * {@code compression}. Sleeps are at least {@code minSleepSeconds}, so a 0-second log entry still
 * occupies a node for a moment.
 */
record ReplayPlan(
    List<Entry> entries,
    double compression,
    int procsPerNode,
    int maxNodes,
    int peakNodes,
    double busyNodeSecondsPlanned) {

  /** One job to submit: seconds after the replay's start, sleep seconds, node count. */
  record Entry(long traceId, double submitAt, double sleepSeconds, int nodes) {}

  static ReplayPlan of(
      SwfTrace trace,
      int firstJob,
      int jobCount,
      double compression,
      int procsPerNode,
      int maxNodes,
      double minSleepSeconds) {
    if (compression <= 0 || procsPerNode <= 0 || maxNodes <= 0 || jobCount <= 0) {
      throw new IllegalArgumentException("compression, procs per node, max nodes must be > 0");
    }
    if (firstJob < 0 || firstJob >= trace.jobs().size()) {
      throw new IllegalArgumentException(
          "first job " + firstJob + " is outside the trace (" + trace.jobs().size() + " jobs)");
    }
    List<SwfTrace.Job> window =
        trace.jobs().subList(firstJob, Math.min(trace.jobs().size(), firstJob + jobCount));
    long t0 = window.get(0).submit();
    List<Entry> entries = new ArrayList<>();
    double busy = 0;
    for (SwfTrace.Job j : window) {
      int nodes = Math.min(maxNodes, (j.procs() + procsPerNode - 1) / procsPerNode);
      double sleep = Math.max(minSleepSeconds, j.run() / compression);
      entries.add(new Entry(j.id(), (j.submit() - t0) / compression, sleep, nodes));
      busy += sleep * nodes;
    }
    return new ReplayPlan(
        List.copyOf(entries),
        compression,
        procsPerNode,
        maxNodes,
        peakDemand(entries, maxNodes),
        busy);
  }

  /**
   * The most nodes the window asks for at once if every job started at submission, capped to the
   * group's maximum: the size of a static group that never makes a job wait for capacity.
   */
  static int peakDemand(List<Entry> entries, int maxNodes) {
    TreeMap<Double, Integer> delta = new TreeMap<>();
    for (Entry e : entries) {
      delta.merge(e.submitAt(), e.nodes(), Integer::sum);
      delta.merge(e.submitAt() + e.sleepSeconds(), -e.nodes(), Integer::sum);
    }
    int now = 0;
    int peak = 0;
    for (int d : delta.values()) {
      now += d;
      peak = Math.max(peak, now);
    }
    return Math.min(maxNodes, peak);
  }

  /** Seconds from the first submission to the last job's planned end. */
  double spanSeconds() {
    double end = 0;
    for (Entry e : entries) {
      end = Math.max(end, e.submitAt() + e.sleepSeconds());
    }
    return end;
  }
}
