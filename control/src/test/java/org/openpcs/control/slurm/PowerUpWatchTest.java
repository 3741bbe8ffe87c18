package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpcs.control.TestResources;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.NodeStatus;

class PowerUpWatchTest {
  static final Instant T0 = TestResources.T0;
  static final List<String> DYNAMIC = List.of("c-2", "c-3");

  static NodeStatus poweringUp(String name) {
    return new NodeStatus(name, "ALLOCATED", Set.of("CLOUD", "POWERING_UP"), "");
  }

  static NodeStatus up(String name) {
    return new NodeStatus(name, "ALLOCATED", Set.of("CLOUD"), "");
  }

  static NodeInstance record(String node, String state, Instant registeredAt) {
    return new NodeInstance(
        "bs-" + node,
        "cl",
        "g",
        node,
        "i-" + node,
        "c5.large",
        "bs-" + node,
        state,
        null,
        T0,
        registeredAt,
        registeredAt,
        0);
  }

  static PowerUpWatch.Plan plan(
      Map<String, NodeStatus> slurm,
      List<NodeInstance> live,
      Map<String, Instant> since,
      Set<String> claimed,
      Instant now) {
    return PowerUpWatch.plan(new PowerUpWatch.View(slurm, DYNAMIC, live, since, claimed, now));
  }

  @Test
  void aPoweringUpNodeWithoutAnInstanceIsLaunchedOnlyAfterTheGrace() {
    var slurm = Map.of("c-2", poweringUp("c-2"));
    var first = plan(slurm, List.of(), Map.of(), Set.of(), T0);
    assertThat(first.idle()).isTrue();
    assertThat(first.poweringUpSince()).containsEntry("c-2", T0);

    var early =
        plan(
            slurm,
            List.of(),
            first.poweringUpSince(),
            Set.of(),
            T0.plus(PowerUpWatch.NO_INSTANCE_GRACE).minusSeconds(1));
    assertThat(early.idle()).isTrue();

    var late =
        plan(
            slurm,
            List.of(),
            first.poweringUpSince(),
            Set.of(),
            T0.plus(PowerUpWatch.NO_INSTANCE_GRACE));
    assertThat(late.launch()).containsExactly("c-2");
    assertThat(late.replace()).isEmpty();
  }

  @Test
  void aNodeTakenOutOfServiceWhilePoweringUpGetsNoInstance() {
    // Lost while powering up: DOWN keeps the flag; it is held until the kill of its jobs is over.
    var down =
        new NodeStatus(
            "c-2", "DOWN", Set.of("CLOUD", "POWERING_UP"), "openpcs: instance never registered");
    var p = plan(Map.of("c-2", down), List.of(), Map.of("c-2", T0), Set.of(), T0.plusSeconds(600));
    assertThat(p.idle()).isTrue();
  }

  @Test
  void aNodeALaunchHoldsIsLeftAlone() {
    var p =
        plan(
            Map.of("c-2", poweringUp("c-2")),
            List.of(),
            Map.of("c-2", T0),
            Set.of("c-2"),
            T0.plusSeconds(600));
    assertThat(p.idle()).isTrue();
    // still remembered: the grace does not start over when the claim ends
    assertThat(p.poweringUpSince()).containsEntry("c-2", T0);
  }

  @Test
  void aNodeThatIsUpOrStaticOrBeingLaunchedIsNotTouched() {
    var slurm =
        Map.of(
            "c-1", poweringUp("c-1"), // static: not this watch's
            "c-2", up("c-2"),
            "c-3", poweringUp("c-3"));
    Instant later = T0.plusSeconds(3600);
    var p =
        plan(
            slurm,
            List.of(record("c-3", "LAUNCHING", null), record("c-2", "RUNNING", T0)),
            Map.of("c-1", T0, "c-3", T0),
            Set.of(),
            later);
    assertThat(p.idle()).isTrue();
    assertThat(p.poweringUpSince()).containsOnlyKeys("c-3");
  }

  @Test
  void aRunningInstanceSlurmStillWaitsForIsReplacedAfterTheBoundFromItsRegistration() {
    var slurm = Map.of("c-2", poweringUp("c-2"));
    Instant registered = T0.plusSeconds(5);
    var ni = record("c-2", "RUNNING", registered);
    Instant justBefore = registered.plus(PowerUpWatch.UNREGISTERED_BOUND).minusSeconds(1);
    assertThat(plan(slurm, List.of(ni), Map.of("c-2", T0), Set.of(), justBefore).idle()).isTrue();

    var p =
        plan(
            slurm,
            List.of(ni),
            Map.of("c-2", T0),
            Set.of(),
            registered.plus(PowerUpWatch.UNREGISTERED_BOUND));
    assertThat(p.replace()).containsExactly(ni);
    assertThat(p.launch()).isEmpty();
  }

  @Test
  void anInstanceOfAnEarlierPowerCycleCountsFromThePowerUp() {
    // Registered an hour ago, still "RUNNING" in its record, and Slurm powers the node up again:
    // its old slurmd answers with a boot time before the resume request, which slurmctld ignores.
    var ni = record("c-2", "RUNNING", T0.minusSeconds(3600));
    var slurm = Map.of("c-2", poweringUp("c-2"));
    assertThat(plan(slurm, List.of(ni), Map.of(), Set.of(), T0).idle()).isTrue();
    assertThat(
            plan(
                    slurm,
                    List.of(ni),
                    Map.of("c-2", T0),
                    Set.of(),
                    T0.plus(PowerUpWatch.UNREGISTERED_BOUND))
                .replace())
        .containsExactly(ni);
  }

  @Test
  void aRegisteringInstanceIsNotReplaced() {
    var slurm = Map.of("c-2", poweringUp("c-2"));
    var p =
        plan(
            slurm,
            List.of(record("c-2", "REGISTERED", T0)),
            Map.of("c-2", T0),
            Set.of(),
            T0.plusSeconds(3600));
    assertThat(p.idle()).isTrue();
  }
}
