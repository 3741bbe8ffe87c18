package org.openpcs.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds one cluster's processes in /proc. A pid alone is not proof (pids are recycled and pid files
 * go stale when a daemon is killed), so a process counts as the cluster's only if its command line
 * names the cluster's own files.
 */
final class ClusterProcesses {
  private final ClusterPaths paths;
  private final Path mungedPidFile;

  ClusterProcesses(ClusterPaths paths, Path mungedPidFile) {
    this.paths = paths;
    this.mungedPidFile = mungedPidFile;
  }

  DaemonState.Daemon munged() {
    String socketArg = "--socket=" + paths.mungeSocket();
    return status(mungedPidFile, args -> isProgram(args, "munged") && args.contains(socketArg));
  }

  DaemonState.Daemon slurmctld() {
    String conf = paths.slurmConf().toString();
    return status(
        paths.run().resolve("slurmctld.pid"),
        args -> isProgram(args, "slurmctld") && args.contains(conf));
  }

  /**
   * The pid file first; if it is missing or stale, the process table (a daemon whose pid file was
   * deleted still runs and still belongs to this cluster).
   */
  private static DaemonState.Daemon status(Path pidFile, Predicate<List<String>> ours) {
    long recorded = readPid(pidFile);
    if (recorded > 0 && Procs.alive(recorded) && ours.test(Procs.cmdline(recorded))) {
      return new DaemonState.Daemon(true, recorded);
    }
    for (long pid : Procs.all()) {
      if (ours.test(Procs.cmdline(pid)) && Procs.alive(pid)) {
        return new DaemonState.Daemon(true, pid);
      }
    }
    return new DaemonState.Daemon(false, recorded);
  }

  /**
   * Processes that belong to this cluster apart from munged: whatever has its slurm.conf on the
   * command line (slurmctld, file-based slurmd); with {@code everything}, also Slurm daemons and
   * job tasks started with its SLURM_CONF (slurmstepd and the job's processes inherit slurmd's
   * environment). A login shell with only SLURM_CONF set is left alone.
   */
  List<Long> leftovers(boolean everything) {
    String conf = paths.slurmConf().toString();
    List<Long> out = new ArrayList<>();
    for (long pid : Procs.all()) {
      if (Procs.cmdline(pid).stream().anyMatch(a -> a.contains(conf))) {
        out.add(pid);
      } else if (everything && conf.equals(Procs.environ(pid, "SLURM_CONF").orElse(null))) {
        boolean slurmDaemon = Procs.comm(pid).startsWith("slurm");
        if (slurmDaemon || Procs.environ(pid, "SLURM_JOB_ID").isPresent()) {
          out.add(pid);
        }
      }
    }
    return out;
  }

  private static boolean isProgram(List<String> args, String program) {
    if (args.isEmpty()) {
      return false;
    }
    String first = args.getFirst();
    String base = first.substring(first.lastIndexOf('/') + 1);
    return base.equals(program) || base.startsWith(program + "-");
  }

  private static long readPid(Path pidFile) {
    try {
      return Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
