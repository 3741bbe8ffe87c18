package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmInstallationTest {
  @Test
  void parsesTheVersionLineOfDifferentBuilds() {
    assertThat(SlurmInstallation.parseVersion("slurm-wlm 22.05.8\n")).contains("22.05.8");
    assertThat(SlurmInstallation.parseVersion("slurm 23.11.4")).contains("23.11.4");
    assertThat(SlurmInstallation.parseVersion("slurm 24.05.0-0rc1")).contains("24.05.0");
    assertThat(SlurmInstallation.parseVersion("command not found")).isEmpty();
  }

  @Test
  void findsProgramsAsksTheVersionAndListsWhatIsMissing(@TempDir Path dir) throws Exception {
    Path ctld = dir.resolve("slurmctld");
    Files.writeString(ctld, "#!/bin/sh\necho 'slurm 23.11.4'\n");
    Files.setPosixFilePermissions(ctld, PosixFilePermissions.fromString("rwxr-xr-x"));

    SlurmInstallation inst = SlurmInstallation.detect(List.of(dir)).orElseThrow();

    assertThat(inst.version()).isEqualTo("23.11");
    assertThat(inst.fullVersion()).isEqualTo("23.11.4");
    assertThat(inst.complete()).isFalse();
    assertThat(inst.missing()).contains("slurmd", "munged", "unmunge").doesNotContain("slurmctld");
    assertThat(inst.path("slurmctld")).isEqualTo(ctld);
    assertThatThrownBy(() -> inst.path("slurmd"))
        .isInstanceOf(SlurmException.class)
        .hasMessageContaining("slurmd not found");
  }

  @Test
  void noSlurmAtAllIsEmpty(@TempDir Path dir) {
    assertThat(SlurmInstallation.detect(List.of(dir))).isEmpty();
  }
}
