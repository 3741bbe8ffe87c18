package org.openpcs.control.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.openpcs.slurm.ClusterPaths;

/** What {@link ClusterRuntime} reads and removes of a cluster's files on this host; no state. */
final class ClusterDirectory {
  private ClusterDirectory() {}

  /**
   * Whether slurmctld has saved state to start from. Any saved state counts as a restart (D39):
   * slurmctld recovers what it holds (jobs, whose kills it resends).
   */
  static boolean hasSavedState(ClusterPaths paths) {
    return Files.exists(paths.state().resolve("node_state"))
        || Files.exists(paths.state().resolve("job_state"));
  }

  /** The named configuration files as they are on disk now; a missing or unreadable one is "". */
  static Map<String, String> onDisk(ClusterPaths paths, Set<String> names) {
    Map<String, String> files = new java.util.HashMap<>();
    for (String name : names) {
      Path p = paths.etc().resolve(name);
      try {
        files.put(name, Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "");
      } catch (IOException e) {
        files.put(name, "");
      }
    }
    return files;
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }
}
