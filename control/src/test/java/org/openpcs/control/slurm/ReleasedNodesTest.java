package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpcs.slurm.NodeStatus;

class ReleasedNodesTest {
  private static final Instant T = Instant.parse("2026-11-29T06:00:00Z");
  private static final Duration STALE = Duration.ofSeconds(5);

  @Test
  void nodesOfAProviderWithoutReleaseTimeAreGoneWhenTheirTerminationReturned() {
    var r = new ReleasedNodes(Duration.ZERO, STALE);
    r.terminated("c1", List.of("g-2", "g-1"), T);
    assertThat(r.due("c2", T)).isEmpty();
    assertThat(r.due("c1", T)).containsExactly("g-1", "g-2");
    assertThat(r.due("c1", T)).as("taken once").isEmpty();
  }

  @Test
  void instancesThatMayRunOnAreGoneOnlyAfterTheReleaseTime() {
    var r = new ReleasedNodes(Duration.ofSeconds(25), STALE);
    r.terminated("c1", List.of("g-1"), T);
    assertThat(r.due("c1", T.plusSeconds(24))).isEmpty();
    assertThat(r.due("c1", T.plusSeconds(25))).containsExactly("g-1");
  }

  @Test
  void anEndNotAskedForInTimeIsDroppedSinceTheNodeMayBePoweringDownAgain() {
    var r = new ReleasedNodes(Duration.ZERO, STALE);
    r.terminated("c1", List.of("g-1", "g-2"), T);
    r.terminated("c1", List.of("g-2"), T.plusSeconds(4));
    assertThat(r.due("c1", T.plusSeconds(6))).containsExactly("g-2");
    assertThat(r.due("c1", T.plusSeconds(7))).isEmpty();
  }

  @Test
  void anEndIsStillAskedForAtTheStaleBoundAndNotAMomentLater() {
    var r = new ReleasedNodes(Duration.ZERO, STALE);
    r.terminated("c1", List.of("g-1"), T);
    r.terminated("c2", List.of("g-1"), T);
    assertThat(r.due("c1", T.plus(STALE))).containsExactly("g-1");
    assertThat(r.due("c2", T.plus(STALE).plusMillis(1))).isEmpty();
    assertThat(r.staleAfter()).isEqualTo(STALE);
  }

  private static NodeStatus node(String name, String state, String... flags) {
    return new NodeStatus(name, state, Set.of(flags), "", null);
  }

  @Test
  void onlyNodesStillPoweringDownAfterAnIdleReleaseMayEndIt() {
    Map<String, NodeStatus> slurm = new HashMap<>();
    for (NodeStatus n :
        List.of(
            node("g-1", "IDLE", "CLOUD", "POWERING_DOWN"),
            node("g-2", "IDLE", "CLOUD", "POWERED_DOWN"),
            node("g-3", "IDLE", "CLOUD", "POWERING_DOWN", "DRAIN"),
            node("g-4", "DOWN", "CLOUD", "POWERING_DOWN"),
            node("g-5", "IDLE", "CLOUD", "POWERING_UP"),
            node("g-6", "IDLE", "CLOUD"),
            node("g-7", "IDLE", "CLOUD", "POWERING_DOWN"))) {
      slurm.put(n.name(), n);
    }
    assertThat(
            ReleasedNodes.endable(
                slurm, List.of("g-7", "g-1", "g-2", "g-3", "g-4", "g-5", "g-6", "g-9")))
        .as("already powered down, drained, down, powering up, up, unknown: left alone")
        .containsExactly("g-1", "g-7");
  }
}
