package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;

class IdleReleaseTest {
  private static final Instant NOW = Instant.parse("2026-11-29T04:00:00Z");
  private static final Duration IDLE = Duration.ofSeconds(20);

  private static NodeStatus node(String name, String state, Instant lastBusy, String... flags) {
    Set<String> all = new java.util.HashSet<>(Set.of(flags));
    all.add("CLOUD");
    return new NodeStatus(name, state, all, "", lastBusy);
  }

  private static IdleRelease.Plan plan(List<String> dynamic, NodeStatus... nodes) {
    Map<String, NodeStatus> byName = new HashMap<>();
    for (NodeStatus n : nodes) {
      byName.put(n.name(), n);
    }
    return IdleRelease.plan(new IdleRelease.View(byName, dynamic, IDLE, NOW));
  }

  @Test
  void anIdleNodeGoesOnceItsIdleTimeIsUpCountingFromTheEndOfItsLastBusySecond() {
    // Busy until some time in second NOW-21: idle for 20 s at the latest at NOW.
    var due = plan(List.of("g-1"), node("g-1", "IDLE", NOW.minusSeconds(21)));
    assertThat(due.release()).containsExactly("g-1");

    // Busy in second NOW-20 (perhaps until NOW-19.1): not idle for 20 s yet.
    var early = plan(List.of("g-1"), node("g-1", "IDLE", NOW.minusSeconds(20)));
    assertThat(early.release()).isEmpty();
    assertThat(early.nextDue()).contains(NOW.plusSeconds(1));
  }

  @Test
  void theNextLookIsWhenTheFirstIdleNodeIsDue() {
    var p =
        plan(
            List.of("g-1", "g-2", "g-3"),
            node("g-1", "IDLE", NOW.minusSeconds(5)),
            node("g-2", "IDLE", NOW.minusSeconds(12)),
            node("g-3", "ALLOCATED", NOW.minusSeconds(30)));
    assertThat(p.release()).isEmpty();
    assertThat(p.nextDue()).contains(NOW.plusSeconds(9));
  }

  @Test
  void busyNodesAndNodesWithoutALastBusyTimeStay() {
    var p =
        plan(
            List.of("g-1", "g-2", "g-3"),
            node("g-1", "ALLOCATED", NOW.minusSeconds(60)),
            node("g-2", "MIXED", NOW.minusSeconds(60)),
            node("g-3", "IDLE", null));
    assertThat(p.release()).isEmpty();
    assertThat(p.nextDue()).isEmpty();
  }

  @Test
  void anythingButAPlainIdleNodeIsLeftToSlurmsOwnPass() {
    Instant long_ago = NOW.minusSeconds(600);
    List<String> flags =
        List.of(
            "DRAIN",
            "POWERED_DOWN",
            "POWERING_DOWN",
            "POWERING_UP",
            "POWER_DOWN",
            "NOT_RESPONDING",
            "RESERVED",
            "PLANNED",
            "MAINTENANCE",
            "REBOOT_REQUESTED");
    for (String flag : flags) {
      var p = plan(List.of("g-1"), node("g-1", "IDLE", long_ago, flag));
      assertThat(p.release()).as(flag).isEmpty();
      assertThat(p.nextDue()).as(flag).isEmpty();
    }
    assertThat(plan(List.of("g-1"), node("g-1", "DOWN", long_ago)).release()).isEmpty();
    // Not a cloud node in slurmctld's eyes (e.g. static until a lowered minimum is applied): an
    // explicit POWER_DOWN would pass over SuspendExcNodes.
    var flagless = new NodeStatus("g-1", "IDLE", Set.of(), "", long_ago);
    assertThat(plan(List.of("g-1"), flagless).release()).isEmpty();
  }

  @Test
  void aNodeFinishingAJobIsLookedAtAgainSoon() {
    var p = plan(List.of("g-1"), node("g-1", "IDLE", NOW.minusSeconds(600), "COMPLETING"));
    assertThat(p.release()).isEmpty();
    assertThat(p.nextDue()).contains(NOW.plus(IdleRelease.COMPLETING_RECHECK));
    // A drained or down node that is completing is not worth a look every few seconds.
    var drained = plan(List.of("g-1"), node("g-1", "IDLE", NOW, "COMPLETING", "DRAIN"));
    assertThat(drained.nextDue()).isEmpty();
  }

  @Test
  void onlyTheCloudNodesSlurmctldRunsAreConsidered() {
    // g-1 is static (not a cloud node), other-2 is a node of a group not applied yet.
    var p =
        plan(
            List.of("g-2"),
            node("g-1", "IDLE", NOW.minusSeconds(600)),
            node("g-2", "IDLE", NOW.minusSeconds(600)),
            node("other-2", "IDLE", NOW.minusSeconds(600)));
    assertThat(p.release()).containsExactly("g-2");
    assertThat(p.nextDue()).isEqualTo(Optional.empty());
  }

  @Test
  void aNodeSlurmDoesNotListIsSkipped() {
    assertThat(plan(List.of("g-9")).release()).isEmpty();
  }

  private static JobStatus job(long id, String partition, String state, String reason) {
    return new JobStatus(id, "wrap", partition, state, "", reason);
  }

  @Test
  void aPartitionIsWaitedInOnlyByAJobThatTheNextSchedulingPassMayStart() {
    var jobs =
        List.of(
            job(1, "work", "PENDING", "Resources"),
            job(2, "short,long", "PENDING", "Priority"),
            job(3, "requeued", "PENDING", "None"),
            // never started by a pass alone: left to Slurm's idle time as before
            job(4, "held", "PENDING", "JobHeldUser"),
            job(5, "later", "PENDING", "BeginTime"),
            job(6, "chain", "PENDING", "Dependency"),
            job(7, "busy", "RUNNING", "None"));
    assertThat(IdleRelease.waitingPartitions(jobs))
        .containsExactly("long", "requeued", "short", "work");
    assertThat(IdleRelease.waitingPartitions(List.of())).isEmpty();
  }

  @Test
  void theNodesOfWaitedInPartitionsAreKeptAndNoOthers() {
    Map<String, List<String>> partitions =
        Map.of(
            "work", List.of("g-1", "g-2"),
            "other", List.of("h-1"),
            "both", List.of("g-2", "h-2"));
    assertThat(IdleRelease.waitedFor(Set.of("work"), partitions)).containsExactly("g-1", "g-2");
    assertThat(IdleRelease.waitedFor(Set.of("work", "both"), partitions))
        .containsExactly("g-1", "g-2", "h-2");
    // a partition slurmctld does not (yet) run keeps nothing
    assertThat(IdleRelease.waitedFor(Set.of("gone"), partitions)).isEmpty();
  }
}
