package org.openpcs.slurm;

import java.time.Instant;
import java.util.Set;

/**
 * One node as slurmctld sees it.
 *
 * @param baseState upper case: IDLE, ALLOCATED, MIXED, DOWN, FUTURE, UNKNOWN...
 * @param flags upper case: CLOUD, POWERED_DOWN, POWERING_UP, DRAIN, NOT_RESPONDING...
 * @param reason the node's reason, empty if none
 * @param lastBusy when the node last ran a job (second resolution), {@code null} when Slurm has no
 *     such time (e.g. a powered-down node)
 */
public record NodeStatus(
    String name, String baseState, Set<String> flags, String reason, Instant lastBusy) {
  public NodeStatus {
    flags = Set.copyOf(flags);
    reason = reason == null ? "" : reason;
  }

  /** A node without a last-busy time. */
  public NodeStatus(String name, String baseState, Set<String> flags, String reason) {
    this(name, baseState, flags, reason, null);
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
