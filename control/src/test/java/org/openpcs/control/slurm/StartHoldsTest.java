package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.slurm.Scontrol;

class StartHoldsTest {
  @Test
  void onlyTheNodesStillDrainedForTheJobAreGivenBack() {
    List<NodeStatus> slurm =
        List.of(
            new NodeStatus("g-1", "IDLE", Set.of("CLOUD", "DRAIN"), StartHolds.reason(9)),
            // an administrator drained it meanwhile: their reason replaced ours
            new NodeStatus("g-2", "IDLE", Set.of("CLOUD", "DRAIN"), "disk check"),
            // held for another job
            new NodeStatus("g-3", "IDLE", Set.of("CLOUD", "DRAIN"), StartHolds.reason(10)),
            // undrained already, the reason left over
            new NodeStatus("g-4", "ALLOCATED", Set.of("CLOUD"), StartHolds.reason(9)),
            // not one of the job's nodes
            new NodeStatus("g-5", "IDLE", Set.of("CLOUD", "DRAIN"), StartHolds.reason(9)));

    assertThat(StartHolds.heldFor(slurm, 9, List.of("g-4", "g-3", "g-2", "g-1")))
        .containsExactly("g-1");
  }

  @Test
  void theReasonIsOneScontrolAcceptsAsItIsAndTheLostNodePassRecognisesAsOurs() {
    String reason = StartHolds.reason(12345);
    assertThat(Scontrol.reason(reason)).isEqualTo(reason);
    assertThat(reason).startsWith("openpcs:").startsWith(StartHolds.REASON_PREFIX);
  }

  @Test
  void nothingIsKeptUntilAJobsNodesAre() {
    StartHolds holds = new StartHolds();
    assertThat(holds.keeps(Path.of("/run/openpcs/c1"), "g-1")).isFalse();
  }
}
