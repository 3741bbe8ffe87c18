package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.slurm.Scontrol;
import org.openpcs.slurm.SlurmInstallation;

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

  /**
   * Stand-ins for scontrol and sinfo (a unit test has no slurmctld): every call is logged; sinfo
   * shows g-1 drained for job 9 and g-2 drained by an administrator; an update fails when {@code
   * refuse} exists.
   */
  private static SlurmInstallation fakeSlurm(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    String json =
        "{\"nodes\":[{\"name\":\"g-1\",\"state\":\"idle\",\"state_flags\":[\"CLOUD\",\"DRAIN\"],"
            + "\"reason\":\""
            + StartHolds.reason(9)
            + "\"},{\"name\":\"g-2\",\"state\":\"idle\",\"state_flags\":[\"CLOUD\",\"DRAIN\"],"
            + "\"reason\":\"disk check\"}],\"errors\":[]}";
    for (String program : List.of("scontrol", "sinfo")) {
      Path f = bin.resolve(program);
      Files.writeString(
          f,
          "#!/bin/sh\n"
              + "[ \"$1\" = -V ] && { echo 'slurm 22.05.8'; exit 0; }\n"
              + "echo \""
              + program
              + " $*\" >> "
              + dir.resolve("calls")
              + "\n"
              + (program.equals("sinfo")
                  ? "echo '" + json + "'\n"
                  : "[ -e " + dir.resolve("refuse") + " ] && exit 1\n")
              + "exit 0\n");
      f.toFile().setExecutable(true);
    }
    return SlurmInstallation.detect(List.of(bin)).orElseThrow();
  }

  /** A cluster whose slurm.conf exists (the programs are only run for a configured cluster). */
  private static ClusterPaths cluster(Path dir) throws IOException {
    ClusterPaths c = new ClusterPaths(dir.resolve("c1"));
    Files.createDirectories(c.slurmConf().getParent());
    Files.writeString(c.slurmConf(), "");
    return c;
  }

  @Test
  void keptNodesAreRememberedUntilGivenBackAndOnlyOurHoldIsUndrained(@TempDir Path dir)
      throws IOException {
    SlurmInstallation slurm = fakeSlurm(dir);
    ClusterPaths c1 = cluster(dir);
    StartHolds holds = new StartHolds();

    assertThat(holds.keep(slurm, c1, 9, List.of("g-1", "g-2"))).isTrue();
    assertThat(holds.keeps(c1.root(), "g-1")).isTrue();
    assertThat(holds.keeps(dir.resolve("c2"), "g-1")).as("another cluster's g-1").isFalse();

    assertThat(holds.giveBack(slurm, c1, 9, List.of("g-1", "g-2"))).containsExactly("g-1");
    assertThat(holds.keeps(c1.root(), "g-1")).isFalse();
    assertThat(holds.keeps(c1.root(), "g-2")).isFalse();
    assertThat(Files.readAllLines(dir.resolve("calls")))
        .containsExactly(
            "scontrol update NodeName=g-[1-2] State=DRAIN Reason=" + StartHolds.reason(9),
            "sinfo --json",
            "scontrol update NodeName=g-1 State=UNDRAIN");
  }

  @Test
  void aRefusedDrainKeepsNothing(@TempDir Path dir) throws IOException {
    SlurmInstallation slurm = fakeSlurm(dir);
    Files.createFile(dir.resolve("refuse"));
    ClusterPaths c1 = cluster(dir);
    StartHolds holds = new StartHolds();

    assertThat(holds.keep(slurm, c1, 9, List.of("g-1"))).isFalse();
    assertThat(holds.keeps(c1.root(), "g-1")).isFalse();
  }
}
