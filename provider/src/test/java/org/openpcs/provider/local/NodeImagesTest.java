package org.openpcs.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeImagesTest {
  @TempDir Path dir;

  @Test
  void theDefaultImageIsTheHostsSlurm() {
    NodeImages images = new NodeImages(dir.resolve("img"));
    NodeImages.NodeImage d = images.find(null).orElseThrow();
    assertThat(d.id()).isEqualTo("ami-00000000000000000");
    assertThat(images.find("ami-00000000000000000")).contains(d);
    assertThat(d.agent()).isEqualTo("builtin");
    assertThat(images.ids()).containsExactly("ami-00000000000000000");
    assertThatThrownBy(() -> images.remove("ami-00000000000000000"))
        .isInstanceOf(IllegalArgumentException.class);
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/slurmd")));
    assertThat(d.slurmSbinDir()).isEqualTo(Path.of("/usr/sbin"));
    assertThat(images.slurmVersion(null))
        .hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+\\.\\d+"));
  }

  @Test
  void registerPersistRemove() throws Exception {
    Path sbin = Files.createDirectories(dir.resolve("slurm-23/sbin"));
    Path exe = sbin.resolve("slurmd");
    Files.writeString(exe, "#!/bin/sh\necho 'slurm 23.11.4'\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path munge = Files.createDirectories(dir.resolve("munge/sbin"));
    Files.writeString(munge.resolve("munged"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        munge.resolve("munged"), PosixFilePermissions.fromString("rwxr-xr-x"));

    NodeImages images = new NodeImages(dir.resolve("img"));
    NodeImages.NodeImage img = images.register(null, "Slurm 23.11", sbin, null, munge);
    assertThat(img.id()).matches("ami-[0-9a-f]{17}");
    assertThat(img.slurmBinDir()).isEqualTo(dir.resolve("slurm-23/bin"));
    assertThat(images.slurmVersion(img.id())).contains("23.11.4");
    assertThatThrownBy(() -> images.register("ami-0000000000000000x", null, sbin, null, null))
        .hasMessageContaining("must match");
    assertThatThrownBy(() -> images.register(null, null, dir, null, null))
        .hasMessageContaining("no slurmd");

    assertThat(Files.readString(dir.resolve("img").resolve(img.id() + ".json")))
        .contains("\"slurmSbinDir\" : \"" + sbin + "\"");
    NodeImages again = new NodeImages(dir.resolve("img"));
    assertThat(again.find(img.id())).contains(img);
    assertThat(again.ids()).containsExactly("ami-00000000000000000", img.id());
    assertThat(again.remove(img.id())).isTrue();
    assertThat(new NodeImages(dir.resolve("img")).exists(img.id())).isFalse();
  }
}
