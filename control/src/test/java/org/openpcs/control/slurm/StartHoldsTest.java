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
import org.openpcs.slurm.SlurmInstallation;

class StartHoldsTest {
  @Test
  void onlyHoldsNotInPlaceHereAreLeftovers() {
    List<String> names =
        List.of("openpcs-hold-9", "openpcs-hold-5", "maint", "openpcs-hold-maint", "hold-3");

    assertThat(StartHolds.leftovers(names, Set.of("openpcs-hold-9")::contains))
        .containsExactly("openpcs-hold-5");
    assertThat(StartHolds.name(12345)).isEqualTo("openpcs-hold-12345");
  }

  /**
   * A stand-in for scontrol (a unit test has no slurmctld): every call is logged; it shows the
   * holds of jobs 9 and 5 and an administrator's reservation; a create fails when {@code refuse}
   * exists.
   */
  private static SlurmInstallation fakeSlurm(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path f = bin.resolve("scontrol");
    Files.writeString(
        f,
        "#!/bin/sh\n"
            + "[ \"$1\" = -V ] && { echo 'slurm 22.05.8'; exit 0; }\n"
            + "echo \"scontrol $*\" >> "
            + dir.resolve("calls")
            + "\n"
            + "[ \"$1\" = create ] && [ -e "
            + dir.resolve("refuse")
            + " ] && exit 1\n"
            + "[ \"$1\" = show ] && printf '%s\\n'"
            + " 'ReservationName=openpcs-hold-9 Nodes=g-[1-2] Users=root State=ACTIVE'"
            + " 'ReservationName=openpcs-hold-5 Nodes=g-3 Users=root State=ACTIVE'"
            + " 'ReservationName=maint Nodes=g-4 Users=root State=ACTIVE'\n"
            + "exit 0\n");
    f.toFile().setExecutable(true);
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
  void aHoldInPlaceSurvivesTheSweepUntilGivenBackAndOnlyLeftoverHoldsAreSwept(@TempDir Path dir)
      throws IOException {
    SlurmInstallation slurm = fakeSlurm(dir);
    ClusterPaths c1 = cluster(dir);
    StartHolds holds = new StartHolds();

    assertThat(holds.keep(slurm, c1, 9, List.of("g-1", "g-2"))).isTrue();
    assertThat(holds.inPlace(c1.root(), "openpcs-hold-9")).isTrue();
    assertThat(holds.inPlace(dir.resolve("c2"), "openpcs-hold-9")).as("another cluster").isFalse();

    holds.sweep(slurm, c1);
    holds.giveBack(slurm, c1, 9);
    assertThat(holds.inPlace(c1.root(), "openpcs-hold-9")).isFalse();
    assertThat(Files.readAllLines(dir.resolve("calls")))
        .containsExactly(
            "scontrol create reservation ReservationName=openpcs-hold-9 Nodes=g-[1-2]"
                + " StartTime=now Duration=2 Users=root Flags=IGNORE_JOBS,OVERLAP",
            "scontrol show reservation -o",
            "scontrol delete reservation openpcs-hold-5",
            "scontrol delete reservation openpcs-hold-9");
  }

  @Test
  void aRefusedHoldIsNotInPlace(@TempDir Path dir) throws IOException {
    SlurmInstallation slurm = fakeSlurm(dir);
    Files.createFile(dir.resolve("refuse"));
    ClusterPaths c1 = cluster(dir);
    StartHolds holds = new StartHolds();

    assertThat(holds.keep(slurm, c1, 9, List.of("g-1"))).isFalse();
    assertThat(holds.inPlace(c1.root(), "openpcs-hold-9")).isFalse();
  }
}
