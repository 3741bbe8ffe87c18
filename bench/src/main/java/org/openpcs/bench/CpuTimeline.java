package org.openpcs.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole machine's busy CPU time and this process's own, sampled every {@link #PERIOD_MILLIS} on
 * a daemon thread, so that the CPU a system used over an interval known only afterwards (sbatch →
 * the last slurmd responding, read from slurmctld's log) can be looked up. On two cores a burst is
 * bound by CPU: the wall clock alone hides whether a system was slower because it waited or because
 * it worked more.
 */
final class CpuTimeline implements AutoCloseable {
  static final long PERIOD_MILLIS = 100;

  /**
   * One reading: wall-clock seconds (as {@link ColdStart#now()}), the machine's busy jiffies and
   * this process's own CPU jiffies (user + system; the server, its agents and the bench driver).
   */
  record Sample(double at, long busyJiffies, long processJiffies) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  CpuTimeline() {
    record();
    thread = Thread.ofPlatform().daemon().name("cpu-timeline").start(this::loop);
  }

  private void loop() {
    while (!stopped) {
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      record();
    }
  }

  private void record() {
    long busy = CpuMeter.machineBusyJiffies();
    long own = processJiffies();
    if (busy >= 0 && own >= 0) {
      synchronized (samples) {
        samples.add(new Sample(ColdStart.now(), busy, own));
      }
    }
  }

  /** utime + stime of {@code /proc/self/stat}, or -1. */
  private static long processJiffies() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU seconds between two wall-clock times: the whole machine's and this process's. */
  record Usage(double machine, double process) {}

  /** The CPU used between two wall-clock times; null when the samples do not cover both. */
  Usage between(double from, double to) {
    record();
    List<Sample> copy;
    synchronized (samples) {
      copy = List.copyOf(samples);
    }
    return between(copy, from, to);
  }

  /**
   * The CPU used between {@code from} and {@code to}, each counter interpolated linearly between
   * the samples around each end; null when the samples do not cover both ends.
   */
  static Usage between(List<Sample> samples, double from, double to) {
    double[] a = at(samples, from);
    double[] b = at(samples, to);
    if (a == null || b == null || to < from) {
      return null;
    }
    return new Usage((b[0] - a[0]) / CpuMeter.USER_HZ, (b[1] - a[1]) / CpuMeter.USER_HZ);
  }

  /** The machine's and this process's jiffies at {@code t}, interpolated, or null. */
  private static double[] at(List<Sample> samples, double t) {
    for (int i = 1; i < samples.size(); i++) {
      Sample p = samples.get(i - 1);
      Sample q = samples.get(i);
      if (p.at() <= t && t <= q.at()) {
        double span = q.at() - p.at();
        double f = span <= 0 ? 1 : (t - p.at()) / span;
        return new double[] {
          p.busyJiffies() + f * (q.busyJiffies() - p.busyJiffies()),
          p.processJiffies() + f * (q.processJiffies() - p.processJiffies())
        };
      }
    }
    return null;
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
