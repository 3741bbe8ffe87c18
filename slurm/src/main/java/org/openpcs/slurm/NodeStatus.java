package org.openpcs.slurm;

import java.util.Set;

/**
 * One node as slurmctld sees it.
 *
 * @param baseState upper case: IDLE, ALLOCATED, MIXED, DOWN, FUTURE, UNKNOWN...
 * @param flags upper case: CLOUD, POWERED_DOWN, POWERING_UP, DRAIN, NOT_RESPONDING...
 * @param reason the node's reason, empty if none
 */
public record NodeStatus(String name, String baseState, Set<String> flags, String reason) {
  public NodeStatus {
    flags = Set.copyOf(flags);
    reason = reason == null ? "" : reason;
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
