package org.openpcs.slurm;

/**
 * One job as squeue reports it.
 *
 * @param state upper case: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED...
 * @param nodes hostlist expression of the allocated nodes, empty while pending
 * @param reason Slurm's state reason ("None", "Resources", "Priority"...)
 */
public record JobStatus(
    long id, String name, String partition, String state, String nodes, String reason) {

  /** Job states that no longer hold nodes or a partition. */
  public static final java.util.Set<String> FINISHED_STATES =
      java.util.Set.of(
          "COMPLETED",
          "FAILED",
          "CANCELLED",
          "TIMEOUT",
          "NODE_FAIL",
          "PREEMPTED",
          "OUT_OF_MEMORY",
          "BOOT_FAIL",
          "DEADLINE");

  /** The job has ended (COMPLETING is not ended: it still holds its nodes). */
  public boolean finished() {
    return FINISHED_STATES.contains(state);
  }
}
