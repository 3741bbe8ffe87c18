package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A burst of 50 short jobs on an elastic group of at most 8 nodes. */
class BurstIT extends SlurmScenario {
  @Test
  void fiftyJobsAllFinishNeverAboveMaxAndTheGroupEndsAtZero() throws Exception {
    String c = h.createCluster("bursty", 5);
    String g = h.createGroup(c, "burst", 0, 8);
    h.createQueue(c, "work", g);

    AtomicInteger peak = new AtomicInteger();
    Thread sampler =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    int live =
                        (int)
                            h
                                .server
                                .provider()
                                .describe(Map.of("aws:pcs:compute-node-group-id", g))
                                .stream()
                                .filter(i -> !i.terminated())
                                .count();
                    peak.accumulateAndGet(live, Math::max);
                    try {
                      Thread.sleep(200);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    List<Long> jobs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      jobs.add(h.sbatch(c, "-p", "work", "-o", "/dev/null", "--wrap", "sleep 1"));
    }
    SlurmHarness.await(
        Duration.ofSeconds(240),
        () -> h.run(c, "squeue", "-h", "-p", "work").output().isEmpty(),
        () ->
            "all jobs done: "
                + h.run(c, "squeue").output()
                + "; nodes: "
                + h.run(c, "sinfo", "-N", "-o", "%N %T %E").output()
                + "; slurmctld log tail:\n"
                + logTail(h.dataDir.resolve("clusters").resolve(c).resolve("log/slurmctld.log")));
    for (long job : jobs) {
      assertThat(h.jobState(c, job)).as("job %d", job).isIn("COMPLETED", "UNKNOWN");
    }
    SlurmHarness.await(
        Duration.ofSeconds(120),
        () ->
            h.slurmdCount() == 0
                && h.run(c, "sinfo", "-h", "-N", "-o", "%t")
                    .output()
                    .lines()
                    .allMatch(s -> s.equals("idle~")),
        () -> "back to zero: " + h.run(c, "sinfo", "-N").output());
    sampler.interrupt();
    assertThat(peak.get()).as("instances at the peak").isBetween(1, 8);
  }

  /** The last 60 lines of a log, for a failure message (a flake seen once needs its evidence). */
  private static String logTail(java.nio.file.Path log) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
