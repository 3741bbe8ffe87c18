package org.openpcs.slurm;

/**
 * One job as squeue reports it.
 *
 * @param state upper case: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED...
 * @param nodes hostlist expression of the allocated nodes, empty while pending
 * @param reason Slurm's state reason ("None", "Resources", "Priority"...)
 */
public record JobStatus(
    long id, String name, String partition, String state, String nodes, String reason) {}
