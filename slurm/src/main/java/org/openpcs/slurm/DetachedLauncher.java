package org.openpcs.slurm;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one cluster's self-daemonizing programs (munged, slurmctld) detached from the server.
 * Keeps no state; {@link ControllerDaemons} decides what to start and checks readiness itself.
 */
final class DetachedLauncher {
  // Under ControllerDaemons' name: this line belongs to its start story, where it was logged
  // before.
  private static final Logger log = LoggerFactory.getLogger(ControllerDaemons.class);

  private final SlurmInstallation installation;
  private final ClusterPaths paths;
  private final SlurmCli cli;

  DetachedLauncher(SlurmInstallation installation, ClusterPaths paths, SlurmCli cli) {
    this.installation = installation;
    this.paths = paths;
    this.cli = cli;
  }

  /**
   * Runs a self-daemonizing program in a new session with stdio on a file, so that neither the
   * server's death nor its terminal reaches the daemon. Returns the exit code of the launcher,
   * which for munged and slurmctld is the parent that exits once the daemon is forked.
   */
  int launch(List<String> command, Path stdio) {
    List<String> full = new ArrayList<>();
    full.add(installation.path("setsid").toString());
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLURM_"));
    pb.environment().putAll(cli.env());
    pb.directory(paths.root().toFile());
    pb.redirectInput(Redirect.from(new File("/dev/null")));
    pb.redirectOutput(Redirect.appendTo(stdio.toFile()));
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      if (!p.waitFor(ControllerDaemons.SLURMCTLD_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        // Not daemonized (yet): leave it running detached; readiness is checked separately.
        log.warn("{} did not return from daemonizing in time", command.getFirst());
        return 0;
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new SlurmException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlurmException("interrupted while starting " + command.getFirst(), e);
    }
  }
}
