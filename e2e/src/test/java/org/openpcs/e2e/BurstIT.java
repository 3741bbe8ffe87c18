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
        () -> "all jobs done: " + h.run(c, "squeue").output());
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
}
