package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterPathsTest {
  @Test
  void theRuntimeDirectoryPropertyMovesSocketsAndSpools() {
    String before = System.getProperty(ClusterPaths.RUNTIME_DIR_PROPERTY);
    try {
      System.setProperty(ClusterPaths.RUNTIME_DIR_PROPERTY, "/dev/shm/openpcs-run");
      ClusterPaths p = new ClusterPaths(Path.of("/data/clusters/pcs_abcdefghij"));
      assertThat(ClusterPaths.runtimeDir()).isEqualTo(Path.of("/dev/shm/openpcs-run"));
      assertThat(p.mungeSocket())
          .isEqualTo(Path.of("/dev/shm/openpcs-run/munge/pcs_abcdefghij.socket"));
      assertThat(p.spool()).isEqualTo(Path.of("/dev/shm/openpcs-run/spool/abcdefghij"));

      // blank is not a directory: the environment or /run/openpcs apply
      System.setProperty(ClusterPaths.RUNTIME_DIR_PROPERTY, " ");
      String env = System.getenv("OPENPCS_RUNTIME_DIR");
      assertThat(ClusterPaths.runtimeDir())
          .isEqualTo(env == null || env.isBlank() ? Path.of("/run/openpcs") : Path.of(env));
    } finally {
      if (before == null) {
        System.clearProperty(ClusterPaths.RUNTIME_DIR_PROPERTY);
      } else {
        System.setProperty(ClusterPaths.RUNTIME_DIR_PROPERTY, before);
      }
    }
  }
}
