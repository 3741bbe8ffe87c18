package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.slurm.NodeStatus;

/** When the idle releases look at a cluster, and what they ask for (looks run inline here). */
class IdleReleasesTest {
  private static final Instant T0 = Instant.parse("2026-11-29T05:00:00Z");
  private final FleetEventsTest.MutableClock clock = new FleetEventsTest.MutableClock(T0);
  @TempDir Path dir;

  /** One cluster "c" with cloud nodes g-1, g-2 and a 5 s idle time. */
  private class FakeClusters implements IdleReleases.Clusters {
    final Map<String, NodeStatus> nodes = new HashMap<>();
    final List<List<String>> poweredDown = new ArrayList<>();
    Optional<IdleReleases.Applied> applied =
        Optional.of(new IdleReleases.Applied(List.of("g-1", "g-2"), Duration.ofSeconds(5)));
    RuntimeException failure;
    int looks;

    @Override
    public List<String> known() {
      return List.of("c");
    }

    @Override
    public Path jobcompLog(String clusterId) {
      return dir.resolve("jobcomp.txt");
    }

    @Override
    public Optional<IdleReleases.Applied> applied(String clusterId) {
      looks++;
      return applied;
    }

    @Override
    public Optional<Map<String, NodeStatus>> nodes(String clusterId) {
      if (failure != null) {
        throw failure;
      }
      return Optional.of(Map.copyOf(nodes));
    }

    @Override
    public void powerDown(String clusterId, List<String> names) {
      poweredDown.add(names);
    }
  }

  private final FakeClusters clusters = new FakeClusters();
  private final IdleReleases releases = new IdleReleases(clusters, clock, Runnable::run);

  private void at(double seconds) {
    clock.advance(Duration.between(clock.instant(), T0.plusMillis(Math.round(seconds * 1000))));
    releases.tickAll();
  }

  private void jobEnded() throws IOException {
    Files.writeString(
        dir.resolve("jobcomp.txt"),
        "JobId=1 JobState=COMPLETED\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static NodeStatus idleSince(String name, Instant lastBusy) {
    return new NodeStatus(name, "IDLE", Set.of("CLOUD"), "", lastBusy);
  }

  @Test
  void aClusterIsLookedAtFirstThenOnlyWhenAJobEndedAtMostOnceASecond() throws IOException {
    at(0);
    assertThat(clusters.looks).as("first tick").isEqualTo(1);
    at(0.25);
    at(0.5);
    assertThat(clusters.looks).as("nothing changed").isEqualTo(1);

    jobEnded();
    at(0.75);
    assertThat(clusters.looks).as("a job ended, but within a second of the last look").isEqualTo(1);
    at(1.0);
    assertThat(clusters.looks).as("a job ended").isEqualTo(2);
    at(1.25);
    assertThat(clusters.looks).isEqualTo(2);
  }

  @Test
  void withAnIdleTimeOfTenSecondsOrMoreAJobsEndWaitsForThePeriodicLook() throws IOException {
    // A node that turns idle now is due in ten seconds at the soonest: the periodic look, at
    // most ten seconds away, sees it in time.
    clusters.applied =
        Optional.of(new IdleReleases.Applied(List.of("g-1", "g-2"), Duration.ofSeconds(10)));
    at(0);
    jobEnded();
    at(1.0);
    at(5.0);
    assertThat(clusters.looks).as("job ends ask for nothing").isEqualTo(1);
    at(10.0);
    assertThat(clusters.looks).as("the periodic look").isEqualTo(2);

    // and an idle time shortened below ten seconds makes a job's end count again
    clusters.applied =
        Optional.of(new IdleReleases.Applied(List.of("g-1", "g-2"), Duration.ofSeconds(9)));
    at(20.0);
    jobEnded();
    at(21.0);
    assertThat(clusters.looks).isEqualTo(4);
  }

  @Test
  void anIdleNodeIsPoweredDownWhenItIsDueWithoutWaitingForTheNextJob() {
    // Busy in second T0-3: due at T0-3 + 5 + 1 = T0+3.
    clusters.nodes.put("g-1", idleSince("g-1", T0.minusSeconds(3)));
    clusters.nodes.put("g-2", new NodeStatus("g-2", "ALLOCATED", Set.of("CLOUD"), "", T0));
    at(0);
    assertThat(clusters.poweredDown).isEmpty();
    at(2.75);
    assertThat(clusters.looks).isEqualTo(1);
    at(3.0);
    assertThat(clusters.looks).isEqualTo(2);
    assertThat(clusters.poweredDown).containsExactly(List.of("g-1"));
  }

  @Test
  void withNothingDueAClusterIsLookedAtAgainAfterTenSeconds() {
    clusters.applied = Optional.empty();
    at(0);
    at(9.75);
    assertThat(clusters.looks).isEqualTo(1);
    at(10);
    assertThat(clusters.looks).isEqualTo(2);
  }

  @Test
  void aFailedLookIsTriedAgainAtTheNextDueTimeNotAtEveryTick() {
    clusters.failure = new IllegalStateException("slurmctld does not answer");
    assertThatCode(() -> at(0)).doesNotThrowAnyException();
    at(0.25);
    at(5);
    assertThat(clusters.looks).isEqualTo(1);
    clusters.failure = null;
    clusters.nodes.put("g-2", idleSince("g-2", T0));
    at(10);
    assertThat(clusters.looks).isEqualTo(2);
    assertThat(clusters.poweredDown).containsExactly(List.of("g-2"));
  }

  @Test
  void theTickNeverThrowsEvenOnAnError() {
    IdleReleases broken =
        new IdleReleases(
            new FakeClusters() {
              @Override
              public List<String> known() {
                throw new StackOverflowError();
              }
            },
            clock,
            Runnable::run);
    assertThatCode(broken::tickAll).doesNotThrowAnyException();
  }
}
