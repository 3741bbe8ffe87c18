package org.openpcs.slurm;

/** What runs of one cluster's controller right now. */
public record DaemonState(Daemon munged, Daemon slurmctld) {
  /**
   * @param running alive, not a zombie, and its command line names this cluster's files (so a
   *     recycled pid is not mistaken for the daemon)
   * @param pid the daemon's pid, or the stale pid from its pid file, or -1 when unknown
   */
  public record Daemon(boolean running, long pid) {}

  public boolean allRunning() {
    return munged.running() && slurmctld.running();
  }
}
