package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.SlurmInstallation;

/** The partitions a running slurmctld has ({@code scontrol show partition -o}). */
final class Partitions {
  private Partitions() {}

  static Set<String> of(SlurmInstallation slurm, ClusterPaths paths) {
    if (!java.nio.file.Files.isRegularFile(paths.slurmConf())) {
      throw new IllegalStateException("no configuration yet");
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder(slurm.path("scontrol").toString(), "show", "partition", "-o")
              .redirectErrorStream(true);
      pb.environment().put("SLURM_CONF", paths.slurmConf().toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("scontrol show partition failed: " + out.strip());
      }
      Set<String> names = new TreeSet<>();
      for (String line : out.split("\n")) {
        if (line.startsWith("PartitionName=")) {
          names.add(line.substring("PartitionName=".length()).split(" ", 2)[0]);
        }
      }
      return names;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run scontrol", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
