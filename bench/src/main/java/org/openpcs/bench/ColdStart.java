package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cold start: a 1-node job pinned ({@code -w}) to a powered-down node, timed from {@code
 * sbatch} to RUNNING, with the steps in between as seconds after the submission. Shared by {@code
 * bench cold-start} (OpenPCS and the floor) and {@code bench burst} (N nodes).
 */
final class ColdStart {
  private ColdStart() {}

  static final String ALLOCATED = "allocated";
  static final String RESUME_PROGRAM = "ResumeProgram";
  static final String LAUNCHED = "launched";
  static final String REGISTERED = "agent registered";
  static final String ACTIVE = "slurmd up (agent)";
  static final String RESPONDING = "slurmd responding";
  static final String RUNNING = "RUNNING";

  /** The phases in order; a floor run has no launch, registration or agent. */
  static final List<String> PHASES =
      List.of(ALLOCATED, RESUME_PROGRAM, LAUNCHED, REGISTERED, ACTIVE, RESPONDING, RUNNING);

  /**
   * Between two {@code squeue} polls of a cold start: RUNNING comes within seconds and is timed by
   * the polls.
   */
  static final Duration QUICK_POLL = Duration.ofMillis(25);

  /**
   * Between two polls of a burst: RUNNING takes over ten seconds there, and polling as fast as
   * {@code squeue} returns took 5–6 % of two cores during a 256-node burst (each poll is a process,
   * a munge credential and an RPC), work the system under test then waited for. The last slurmd's
   * registration is timed from slurmctld's log, not by the polls.
   */
  static final Duration BURST_POLL = Duration.ofMillis(250);

  /**
   * Submits and waits until the job is RUNNING, asking {@code squeue} every {@code poll}; returns
   * the submit time (epoch seconds).
   */
  static double submitAndAwaitRunning(
      SlurmCli slurm,
      Path conf,
      String partition,
      String nodes,
      int count,
      Duration within,
      Duration poll,
      Map<String, Double> phases,
      long[] jobOut) {
    double t0 = now();
    long job =
        slurm.sbatch(
            conf,
            "-p",
            partition,
            "-N",
            Integer.toString(count),
            "-w",
            nodes,
            "-o",
            "/dev/null",
            "--wrap",
            "sleep 2");
    jobOut[0] = job;
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Map<Long, String> queue;
      try {
        queue = slurm.queue(conf);
      } catch (IllegalStateException busy) {
        // slurmctld did not answer this time; only an answer tells where the job is
        if (System.nanoTime() > deadline) {
          throw busy;
        }
        OpenPcsLab.sleep(25);
        continue;
      }
      String state = queue.get(job);
      if ("RUNNING".equals(state) || "COMPLETING".equals(state) || state == null) {
        phases.put(RUNNING, now() - t0);
        return t0;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "job " + job + " not RUNNING after " + within + ": " + state);
      }
      OpenPcsLab.sleep(poll.toMillis());
    }
  }

  /**
   * {@link #submitAndAwaitRunning} on an OpenPCS cluster, also recording when slurmctld first
   * called the ResumeProgram (a request file in the cluster's power inbox).
   */
  static double submitToOpenPcs(
      OpenPcsLab lab,
      OpenPcsLab.Elastic e,
      String nodes,
      int count,
      Duration within,
      Duration poll,
      Map<String, Double> phases,
      long[] jobOut) {
    try (var inbox = new InboxWatcher(lab.clusterDir(e.clusterId()).resolve("power"), now())) {
      double t0 =
          submitAndAwaitRunning(
              lab.slurm,
              lab.slurmConf(e.clusterId()),
              e.partition(),
              nodes,
              count,
              within,
              poll,
              phases,
              jobOut);
      Double resume = inbox.first();
      phases.put(RESUME_PROGRAM, resume == null ? null : resume - t0);
      return t0;
    }
  }

  /** Adds the slurmctld-side steps (allocation, slurmd responding) found in its log. */
  static void addSlurmctldSteps(
      Path log, long job, List<String> nodes, double t0, Map<String, Double> phases) {
    // The main scheduler logs "sched: Allocate", the backfill scheduler "Started JobId=".
    Double alloc = SlurmctldLog.first(log, "sched: Allocate JobId=" + job + " ", t0);
    if (alloc == null) {
      alloc = SlurmctldLog.first(log, "Started JobId=" + job + " ", t0);
    }
    phases.put(ALLOCATED, alloc == null ? null : alloc - t0);
    Double last = null;
    for (String n : nodes) {
      Double up = SlurmctldLog.first(log, "Node " + n + " now responding", t0);
      if (up == null) {
        last = null;
        break;
      }
      last = last == null ? up : Math.max(last, up);
    }
    phases.put(RESPONDING, last == null ? null : last - t0);
  }

  /** Adds the control plane's steps from the scaling log: the last node to reach each. */
  static void addScalingSteps(
      List<ScalingLogIntervals.Step> steps, List<String> nodes, double t0, Map<String, Double> p) {
    for (var e :
        Map.of(LAUNCHED, "LAUNCHED", REGISTERED, "REGISTERED", ACTIVE, "ACTIVE").entrySet()) {
      Double last = 0.0;
      for (String n : nodes) {
        Double t = ScalingLogIntervals.first(steps, n, e.getValue(), t0);
        if (t == null) {
          last = null;
          break;
        }
        last = Math.max(last, t - t0);
      }
      p.put(e.getKey(), last);
    }
  }

  /**
   * The time of the first ResumeProgram call after {@code t0}, seen as a request file in OpenPCS's
   * power inbox (named {@code resume-<epoch ns>-<pid>}) by a watcher that polls every 5 ms.
   */
  static final class InboxWatcher implements AutoCloseable {
    private final Path inbox;
    private final Thread thread;
    private volatile double first = Double.NaN;
    private final double since;

    InboxWatcher(Path inbox, double since) {
      this.inbox = inbox;
      this.since = since;
      this.thread = Thread.ofVirtual().start(this::poll);
    }

    private void poll() {
      while (!Thread.currentThread().isInterrupted() && Double.isNaN(first)) {
        try (var files = Files.list(inbox)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            String[] parts = f.getFileName().toString().replaceFirst("^\\.", "").split("-");
            if (parts.length >= 2 && parts[0].equals("resume")) {
              double t = Long.parseLong(parts[1]) / 1e9;
              if (t >= since - 0.001) {
                first = t;
              }
            }
          }
        } catch (IOException | RuntimeException e) {
          // not there yet
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Double first() {
      return Double.isNaN(first) ? null : first;
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  /** The floor's ResumeProgram appends "epoch-seconds resume hostlist" to its power log. */
  static Double floorResume(Path powerLog, double since) {
    try {
      for (String line : Files.readAllLines(powerLog)) {
        String[] f = line.split(" ");
        if (f.length >= 2 && f[1].equals("resume")) {
          double t = Double.parseDouble(f[0]);
          if (t >= since - 0.001) {
            return t;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  static Map<String, Double> newPhases() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String p : PHASES) {
      m.put(p, null);
    }
    return m;
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
