package org.openpcs.slurm;

/** How a configuration change reaches a running slurmctld without losing jobs. */
public enum ApplyMethod {
  /** The rendered files are identical. */
  NONE,
  /** {@code scontrol reconfigure}: partitions, features, most parameters. */
  RECONFIGURE,
  /**
   * Stop slurmctld with SIGTERM (state saved) and start it again: the node list changed (22.05
   * exits on reconfigure then), or a parameter that only a restart applies.
   */
  RESTART
}
