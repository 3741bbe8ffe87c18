package org.openpcs.domain;

/** Where a custom setting ends up: which Slurm file and which kind of line. */
public enum SettingLevel {
  /** A line of its own in slurm.conf (cluster {@code slurmCustomSettings}). */
  SLURM_CONF,
  /** A line of its own in slurmdbd.conf. */
  SLURMDBD_CONF,
  /** A line of its own in cgroup.conf. */
  CGROUP_CONF,
  /** A {@code Key=Value} token on a PartitionName line (queue settings). */
  PARTITION_LINE,
  /** A {@code Key=Value} token on a NodeName line (node group settings). */
  NODE_LINE;

  /** Settings on a shared line are separated by blanks, so their values may not contain '='. */
  public boolean sharesLine() {
    return this == PARTITION_LINE || this == NODE_LINE;
  }
}
