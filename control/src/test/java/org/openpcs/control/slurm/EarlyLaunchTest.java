package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.NodeStatus;

class EarlyLaunchTest {
  private static NodeStatus node(String name, String base, Set<String> flags, Instant slurmdStart) {
    return new NodeStatus(name, base, flags, "", null, slurmdStart);
  }

  @Test
  void launchesOnlyAllocatedNodesSlurmWillPowerUp() {
    Map<String, NodeStatus> slurm =
        Map.of(
            "n1", node("n1", "ALLOCATED", Set.of("CLOUD", "POWERED_DOWN"), null),
            "n2", node("n2", "MIXED", Set.of("CLOUD", "POWERED_DOWN"), null),
            // its power-up request is already on its way: that request launches it
            "n3", node("n3", "ALLOCATED", Set.of("CLOUD", "POWERING_UP"), null),
            // not allocated (any more): nothing will start it
            "n4", node("n4", "IDLE", Set.of("CLOUD", "POWERED_DOWN"), null),
            "n5", node("n5", "ALLOCATED", Set.of("CLOUD", "POWERED_DOWN", "POWERING_DOWN"), null),
            // Slurm thinks it runs: a lost node is the lost-node pass's
            "n6", node("n6", "ALLOCATED", Set.of("CLOUD"), null));
    assertThat(EarlyLaunch.toLaunch(List.of("n1", "n2", "n3", "n4", "n5", "n6", "n7"), slurm))
        .containsExactly("n1", "n2");
  }

  @Test
  void aRegistrationIsRefusedWhenTheNodeStillPowersUpAfterASlurmdOfThisLaunchRegistered() {
    Instant launched = Instant.parse("2026-11-30T09:53:54.298Z");
    Set<String> poweringUp = Set.of("CLOUD", "NOT_RESPONDING", "POWERING_UP");
    // the lab's case: started in the launch's second, registered after the power-up request
    assertThat(
            EarlyLaunch.refused(
                node("n1", "ALLOCATED", poweringUp, Instant.parse("2026-11-30T09:53:54Z")),
                launched))
        .isTrue();
    assertThat(
            EarlyLaunch.refused(
                node("n1", "ALLOCATED", poweringUp, Instant.parse("2026-11-30T09:53:55Z")),
                launched))
        .isTrue();
    // the slurmd of the node's previous power cycle, or none yet: wait
    assertThat(
            EarlyLaunch.refused(
                node("n1", "ALLOCATED", poweringUp, Instant.parse("2026-11-30T09:53:41Z")),
                launched))
        .isFalse();
    assertThat(EarlyLaunch.refused(node("n1", "ALLOCATED", poweringUp, null), launched)).isFalse();
    // taken: no longer powering up
    assertThat(
            EarlyLaunch.refused(
                node("n1", "ALLOCATED", Set.of("CLOUD"), Instant.parse("2026-11-30T09:53:54Z")),
                launched))
        .isFalse();
  }

  @Test
  void onlyNodesWhoseAgentRegisteredBeforeTheRequestCanHaveARefusedSlurmd() {
    Instant launched = Instant.parse("2026-11-30T10:00:00.100Z");
    Instant requested = Instant.parse("2026-11-30T10:00:01.000Z");
    List<NodeInstance> records =
        List.of(
            record("n1", "RUNNING", Instant.parse("2026-11-30T10:00:00.400Z")),
            record("n2", "REGISTERED", Instant.parse("2026-11-30T10:00:01.200Z")),
            record("n3", "LAUNCHING", null),
            // an instance of an earlier power cycle, gone
            record("n4", "TERMINATED", Instant.parse("2026-11-30T09:59:00Z")));
    assertThat(
            EarlyLaunch.mayBeRefused(
                Map.of("n1", launched, "n2", launched, "n3", launched, "n4", launched),
                records,
                requested))
        .containsOnlyKeys("n1");
  }

  private static NodeInstance record(String node, String state, Instant registeredAt) {
    return new NodeInstance(
        "b-" + node,
        "pcs_c",
        "g",
        node,
        "i-" + node,
        "c5.large",
        "t",
        state,
        null,
        Instant.parse("2026-11-30T10:00:00.100Z"),
        registeredAt,
        null,
        1);
  }
}
