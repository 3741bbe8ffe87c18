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
 * @param slurmdStart when the slurmd that last registered started (second resolution), as that
 *     registration said, also when slurmctld did not take it; {@code null} when none did
 */
public record NodeStatus(
    String name,
    String baseState,
    Set<String> flags,
    String reason,
    Instant lastBusy,
    Instant slurmdStart) {
  public NodeStatus {
    flags = Set.copyOf(flags);
    reason = reason == null ? "" : reason;
  }

  /** A node without a last-busy time. */
  public NodeStatus(String name, String baseState, Set<String> flags, String reason) {
    this(name, baseState, flags, reason, null, null);
  }

  /** A node whose slurmd start is not known. */
  public NodeStatus(
      String name, String baseState, Set<String> flags, String reason, Instant lastBusy) {
    this(name, baseState, flags, reason, lastBusy, null);
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
