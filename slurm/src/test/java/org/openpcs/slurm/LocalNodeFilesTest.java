package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalNodeFilesTest {
  @TempDir Path dir;

  private int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
  }

  @Test
  void tmpIsStickyAndWorldWritableAndIsRepairedWhenChanged() throws Exception {
    // spools live in the runtime directory, keyed by the cluster directory's name
    ClusterPaths paths = new ClusterPaths(dir.resolve("pcs_lnf" + System.nanoTime()));
    try {
      check(paths);
    } finally {
      Files.deleteIfExists(paths.spool().resolve("compute-1"));
      Files.deleteIfExists(paths.spool());
    }
  }

  @Test
  void manyNodesGetTheirStickyBitFromFewChmodProcesses() throws Exception {
    ClusterPaths paths = new ClusterPaths(dir.resolve("pcs_lnfb" + System.nanoTime()));
    Map<String, Integer> nodes = new LinkedHashMap<>();
    int n = LocalNodeFiles.CHMOD_BATCH + 3; // two batches
    for (int i = 1; i <= n; i++) {
      nodes.put("compute-" + i, 0);
    }
    try {
      LocalNodeFiles.prepareAll(paths, nodes);
      for (String node : nodes.keySet()) {
        assertThat(mode(paths.tmp().resolve(node))).as(node).isEqualTo(01777);
        assertThat(mode(paths.spool().resolve(node))).as(node).isEqualTo(0755);
      }
    } finally {
      for (String node : nodes.keySet()) {
        Files.deleteIfExists(paths.spool().resolve(node));
      }
      Files.deleteIfExists(paths.spool());
    }
  }

  private void check(ClusterPaths paths) throws Exception {
    LocalNodeFiles.prepare(paths, "compute-1", 0);
    Path tmp = paths.tmp().resolve("compute-1");
    assertThat(mode(tmp)).isEqualTo(01777);
    assertThat(mode(paths.spool().resolve("compute-1"))).isEqualTo(0755);

    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
    LocalNodeFiles.prepare(paths, "compute-1", 0);
    assertThat(mode(tmp)).isEqualTo(01777);

    // idempotent: a second pass leaves everything as it is
    LocalNodeFiles.prepare(paths, "compute-1", 0);
    assertThat(mode(tmp)).isEqualTo(01777);
  }
}
