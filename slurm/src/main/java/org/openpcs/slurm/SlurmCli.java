package org.openpcs.slurm;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one cluster's Slurm client commands: always with that cluster's {@code SLURM_CONF}, always
 * with a timeout, and never with a missing config file (a wrong SLURM_CONF path makes every command
 * retry for 60 s before failing, lab §1).
 */
final class SlurmCli {
  private final SlurmInstallation installation;
  private final ClusterPaths paths;

  SlurmCli(SlurmInstallation installation, ClusterPaths paths) {
    this.installation = installation;
    this.paths = paths;
  }

  Map<String, String> env() {
    return Map.of("SLURM_CONF", paths.slurmConf().toString());
  }

  boolean configExists() {
    return Files.isRegularFile(paths.slurmConf());
  }

  CommandResult run(String program, Duration timeout, String... args) {
    if (!configExists()) {
      throw new SlurmException(
          "cannot run " + program + ": " + paths.slurmConf() + " does not exist");
    }
    List<String> command = new ArrayList<>();
    command.add(installation.path(program).toString());
    command.addAll(List.of(args));
    return ProcessRunner.run(command, env(), timeout, null);
  }
}
