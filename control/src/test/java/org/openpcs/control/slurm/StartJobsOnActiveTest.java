package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openpcs.control.ScalingLog;
import org.openpcs.slurm.ClusterPaths;

class StartJobsOnActiveTest {
  private static ScalingLog.Entry entry(String cluster, String state) {
    return new ScalingLog.Entry(
        Instant.now(), cluster, "g", "compute", "compute-1", "i-1", "c5.large", state, "R", null);
  }

  @Test
  void anActiveStepMakesTheClusterLookedAtAndEveryStepIsStillRecorded() throws Exception {
    List<ScalingLog.Entry> recorded = new CopyOnWriteArrayList<>();
    List<Path> looked = new CopyOnWriteArrayList<>();
    var log =
        new StartJobsOnActive(
            recorded::add,
            p -> {
              looked.add(p.root());
              return List.of();
            },
            c -> new ClusterPaths(Path.of("/tmp/clusters", c)));

    log.record(entry("pcs_a", "LAUNCHED"));
    Thread.sleep(300);
    assertThat(looked).as("LAUNCHED alone asks nothing").isEmpty();

    log.record(entry("pcs_a", "ACTIVE"));
    long end = System.nanoTime() + 3_000_000_000L;
    while (looked.size() < 3 && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(looked).hasSizeGreaterThanOrEqualTo(3).allMatch(p -> p.endsWith("pcs_a"));
    assertThat(recorded).extracting(ScalingLog.Entry::state).containsExactly("LAUNCHED", "ACTIVE");
  }

  @Test
  void aFailingStarterNeverReachesTheCaller() {
    var log =
        new StartJobsOnActive(
            e -> {},
            p -> {
              throw new IllegalStateException("scontrol is gone");
            },
            c -> new ClusterPaths(Path.of("/tmp/clusters", c)));
    log.record(entry("pcs_b", "ACTIVE"));
    log.record(entry("pcs_b", "ACTIVE"));
  }
}
