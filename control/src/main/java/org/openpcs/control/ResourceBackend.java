package org.openpcs.control;

/**
 * Where a resource becomes real: a Slurm controller for a cluster, nodes for a node group, a
 * partition for a queue. Calls must be idempotent: the reconciler calls them again until they
 * report {@link Outcome.Ready}.
 */
public interface ResourceBackend<T> {

  /** Create the resource, or apply its current spec to what exists. */
  Outcome converge(T resource);

  /** Tear the resource down; {@link Outcome.Ready} once nothing of it is left. */
  Outcome remove(T resource);
}
