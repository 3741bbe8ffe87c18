package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
  void slurmIsAskedAtTheFirstLookThenOnlyWhenAWaitingJobMayBeReadyOrNowAndThen() throws Exception {
    List<Look> looks = new CopyOnWriteArrayList<>();
    var log =
        new StartJobsOnActive(
            e -> {},
            (p, up, anyway) -> {
              if (!up.contains("compute-9")) {
                looks.add(new Look(up, anyway));
              }
              // job 7 waits for two nodes
              return new PoweredUpJobStarter.Look(
                  List.of(), Map.of(7L, List.of("compute-1", "compute-2")));
            },
            c -> new ClusterPaths(Path.of("/tmp/clusters", c)));

    log.record(entry("pcs_c", "compute-1", "ACTIVE"));
    log.record(entry("pcs_c", "compute-1", "LAUNCHED")); // recorded late: still up
    log.record(entry("pcs_c", "compute-4", "ACTIVE"));
    log.record(entry("pcs_c", "compute-4", "TERMINATED")); // gone again
    log.record(entry("pcs_c", "compute-3", "LAUNCHED")); // not up yet
    log.record(entry("pcs_other", "compute-9", "ACTIVE"));
    awaitLooks(looks, 2, 5_000);
    // the first look asks anyway (it may have run before compute-4's end was recorded); nothing
    // that matters changes after it, so the next is the periodic one, ASK_ANYWAY_EVERY looks (of
    // 100 ms) later, not one every 100 ms
    assertThat(looks.get(0).askAnyway()).isTrue();
    assertThat(looks.get(1)).isEqualTo(new Look(Set.of("compute-1"), true));

    // the job's last node comes up: Slurm is asked at the next look
    long before = System.nanoTime();
    log.record(entry("pcs_c", "compute-2", "ACTIVE"));
    awaitLooks(looks, 3, 1_000);
    assertThat(System.nanoTime() - before).isLessThan(1_000_000_000L);
    assertThat(looks.get(2)).isEqualTo(new Look(Set.of("compute-1", "compute-2"), false));
  }

  private static void awaitLooks(List<Look> looks, int n, long millis) throws Exception {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (looks.size() < n && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(looks).hasSizeGreaterThanOrEqualTo(n);
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
              return PoweredUpJobStarter.Look.UNREAD; // unread: asked again at every look
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
