package org.openpcs.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time spent during a phase, by this process and by the whole machine ({@code /proc/stat}). The
 * difference is everything else: the PostgreSQL server, but also whatever else happens to run on
 * the machine and competes with the benchmark for its cores.
 */
final class CpuMeter {
  /** Jiffies per second of {@code /proc/stat} (USER_HZ), 100 on every Linux we know of. */
  static final double USER_HZ = 100.0;

  private final long wall0 = System.nanoTime();
  private final long process0 = processNanos();
  private final long machine0 = machineBusyJiffies();

  /** CPU seconds; {@code machineSeconds} is negative when {@code /proc/stat} is unreadable. */
  record Usage(double wallSeconds, double processSeconds, double machineSeconds, int processors) {
    String describe(String processRole) {
      String self =
          String.format(
              java.util.Locale.ROOT,
              "%.1f s; this process (%s) used %.1f CPU-s (%.0f%% of one core)",
              wallSeconds,
              processRole,
              processSeconds,
              100 * processSeconds / wallSeconds);
      if (machineSeconds < 0) {
        return self;
      }
      return self
          + String.format(
              java.util.Locale.ROOT,
              "; the whole machine %.1f CPU-s (%.0f%% of %d cores), other processes %.1f CPU-s",
              machineSeconds,
              100 * machineSeconds / (wallSeconds * processors),
              processors,
              Math.max(0, machineSeconds - processSeconds));
    }
  }

  Usage stop() {
    double wall = (System.nanoTime() - wall0) / 1e9;
    double process = (processNanos() - process0) / 1e9;
    long m1 = machineBusyJiffies();
    double machine = machine0 < 0 || m1 < 0 ? -1 : (m1 - machine0) / USER_HZ;
    return new Usage(wall, process, machine, Runtime.getRuntime().availableProcessors());
  }

  private static long processNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** user + nice + system + irq + softirq + steal of the aggregate "cpu" line, or -1. */
  static long machineBusyJiffies() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 9) {
        return -1;
      }
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
