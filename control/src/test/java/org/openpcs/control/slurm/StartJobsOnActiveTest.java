package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openpcs.control.ScalingLog;
import org.openpcs.slurm.ClusterPaths;

class StartJobsOnActiveTest {
  private static ScalingLog.Entry entry(String cluster, String state) {
    return entry(cluster, "compute-1", state);
  }

  private static ScalingLog.Entry entry(String cluster, String node, String state) {
    return new ScalingLog.Entry(
        Instant.now(), cluster, "g", "compute", node, "i-1", "c5.large", state, "R", null);
  }

  /** One look of the worker: the nodes it was told are up, and whether it was to ask anyway. */
  record Look(Set<String> reportedUp, boolean askAnyway) {}

  @Test
  void theStarterIsToldWhichNodesReportedUpAndToAskSlurmAnywayOnlyNowAndThen() throws Exception {
    List<Look> looks = new CopyOnWriteArrayList<>();
    var log =
        new StartJobsOnActive(
            e -> {},
            (p, up, anyway) -> {
              looks.add(new Look(up, anyway));
              return List.of();
            },
            c -> new ClusterPaths(Path.of("/tmp/clusters", c)));

    log.record(entry("pcs_c", "compute-1", "ACTIVE"));
    log.record(entry("pcs_c", "compute-1", "LAUNCHED")); // recorded late: still up
    log.record(entry("pcs_c", "compute-2", "ACTIVE"));
    log.record(entry("pcs_c", "compute-2", "TERMINATED")); // gone again
    log.record(entry("pcs_c", "compute-3", "LAUNCHED")); // not up yet
    log.record(entry("pcs_other", "compute-9", "ACTIVE"));
    long end = System.nanoTime() + 5_000_000_000L;
    while (looks.stream().filter(l -> l.reportedUp().contains("compute-1")).count()
            < StartJobsOnActive.ASK_ANYWAY_EVERY + 2
        && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    List<Look> ofC = looks.stream().filter(l -> !l.reportedUp().contains("compute-9")).toList();
    assertThat(ofC).hasSizeGreaterThan(StartJobsOnActive.ASK_ANYWAY_EVERY + 1);
    assertThat(ofC.getLast().reportedUp()).containsExactly("compute-1");
    // the first look asks anyway, then only every ASK_ANYWAY_EVERY-th
    assertThat(ofC.getFirst().askAnyway()).isTrue();
    assertThat(ofC.subList(1, StartJobsOnActive.ASK_ANYWAY_EVERY)).noneMatch(Look::askAnyway);
    assertThat(ofC.get(StartJobsOnActive.ASK_ANYWAY_EVERY).askAnyway()).isTrue();
  }

  @Test
  void anActiveStepMakesTheClusterLookedAtAndEveryStepIsStillRecorded() throws Exception {
    List<ScalingLog.Entry> recorded = new CopyOnWriteArrayList<>();
    List<Path> looked = new CopyOnWriteArrayList<>();
    var log =
        new StartJobsOnActive(
            recorded::add,
            (p, up, anyway) -> {
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
            (p, up, anyway) -> {
              throw new IllegalStateException("scontrol is gone");
            },
            c -> new ClusterPaths(Path.of("/tmp/clusters", c)));
    log.record(entry("pcs_b", "ACTIVE"));
    log.record(entry("pcs_b", "ACTIVE"));
  }
}
