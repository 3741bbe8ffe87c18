package org.openpcs.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replays a plan against one cluster: submits each job at its (compressed) time as an exclusive
 * {@code sleep} on its node count, and watches the queue every 200 ms to see when each job started
 * and ended. Times come from this process's clock at sub-second resolution, not from Slurm's
 * one-second job records, so short compressed jobs are still measured fairly.
 */
final class ReplayRun {
  private ReplayRun() {}

  /**
   * @param unfinished when the cap ended the replay with jobs not done: the queue and the nodes as
   *     Slurm saw them then, and how many polls got no answer (empty otherwise)
   */
  record Observed(
      List<ReplayMetrics.JobRecord> jobs, double start, double lastEnd, String unfinished) {}

  static Observed replay(
      SlurmCli slurm, Path conf, String partition, ReplayPlan plan, Duration cap) {
    Map<Long, double[]> seen = new ConcurrentHashMap<>(); // job -> {submit, start, end}
    Map<Long, Integer> nodes = new ConcurrentHashMap<>();
    double start = ColdStart.now();
    Thread submitter =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (ReplayPlan.Entry e : plan.entries()) {
                    double due = start + e.submitAt();
                    long wait = (long) ((due - ColdStart.now()) * 1000);
                    if (wait > 0) {
                      OpenPcsLab.sleep(wait);
                    }
                    long id =
                        slurm.sbatch(
                            conf,
                            "-p",
                            partition,
                            "-N",
                            Integer.toString(e.nodes()),
                            "--exclusive",
                            "-o",
                            "/dev/null",
                            "--wrap",
                            String.format(java.util.Locale.ROOT, "sleep %.3f", e.sleepSeconds()));
                    nodes.put(id, e.nodes());
                    seen.put(id, new double[] {ColdStart.now(), Double.NaN, Double.NaN});
                  }
                });
    long deadline = System.nanoTime() + cap.toNanos();
    int unanswered = 0;
    boolean allDone = false;
    while (true) {
      Map<Long, String> q;
      try {
        q = slurm.queue(conf);
      } catch (IllegalStateException busy) {
        // no answer is not an empty queue
        unanswered++;
        if (System.nanoTime() > deadline) {
          break;
        }
        OpenPcsLab.sleep(200);
        continue;
      }
      double t = ColdStart.now();
      for (var e : seen.entrySet()) {
        observe(e.getValue(), q.get(e.getKey()), t);
      }
      // ended and gone from the queue: a job seen COMPLETING may still be requeued and run again
      allDone =
          !submitter.isAlive()
              && seen.size() == plan.entries().size()
              && seen.values().stream().allMatch(v -> !Double.isNaN(v[2]))
              && seen.keySet().stream().noneMatch(q::containsKey);
      if (allDone || System.nanoTime() > deadline) {
        break;
      }
      OpenPcsLab.sleep(200);
    }
    submitter.interrupt();
    List<ReplayMetrics.JobRecord> jobs = new ArrayList<>();
    double lastEnd = start;
    for (var e : seen.entrySet()) {
      double[] v = e.getValue();
      Double s = Double.isNaN(v[1]) ? null : v[1];
      Double en = Double.isNaN(v[2]) ? null : v[2];
      if (en != null) {
        lastEnd = Math.max(lastEnd, en);
      }
      jobs.add(new ReplayMetrics.JobRecord(e.getKey(), v[0], s, en, nodes.get(e.getKey())));
    }
    String unfinished =
        allDone
            ? ""
            : "replay cap of "
                + cap.toSeconds()
                + " s reached; "
                + unanswered
                + " queue polls unanswered\nsqueue:\n"
                + slurm.run(conf, "squeue", "-o", "%i %T %r %N %S").output()
                + "\nsinfo:\n"
                + slurm.run(conf, "sinfo", "-N", "-o", "%N %T %E").output();
    return new Observed(jobs, start, lastEnd, unfinished);
  }

  /**
   * One poll's effect on a job's {submit, start, end} (NaN until known), given its squeue state
   * ({@code null}: no longer listed). Pure. A job back in the queue after it was timed as started
   * was requeued before its script ran (a job lifted out of CONFIGURING, D20: Slurm shows it
   * COMPLETING while its nodes' epilogs run, then PENDING): its times are reset and taken again
   * when it really runs — also when the PENDING in between fell between two polls and the job is
   * next seen RUNNING. Before this, such a job counted as having run for 0 s.
   */
  static void observe(double[] v, String state, double t) {
    boolean queuedAgain =
        "PENDING".equals(state)
            || "CONFIGURING".equals(state)
            || (state != null && state.startsWith("REQUEUE"));
    if (!Double.isNaN(v[1]) && queuedAgain) {
      v[1] = Double.NaN;
      v[2] = Double.NaN;
      return;
    }
    if (!Double.isNaN(v[2]) && "RUNNING".equals(state)) {
      // running again after it was timed as ended: requeued and restarted between two polls
      // (with batch_sched_delay=0 the PENDING in between can last less than a poll)
      v[1] = t;
      v[2] = Double.NaN;
      return;
    }
    if (Double.isNaN(v[1]) && ("RUNNING".equals(state) || "COMPLETING".equals(state))) {
      v[1] = t;
    }
    if (!Double.isNaN(v[1]) && Double.isNaN(v[2]) && !"RUNNING".equals(state)) {
      v[2] = t; // left RUNNING (completing or gone): the job's nodes are free
    }
    if (Double.isNaN(v[1]) && state == null && t - v[0] > 1) {
      // finished between two polls without being seen running: a sub-poll job
      v[1] = t;
      v[2] = t;
    }
  }
}
