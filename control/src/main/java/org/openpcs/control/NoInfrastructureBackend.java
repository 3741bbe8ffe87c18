package org.openpcs.control;

/**
 * THE PLACE WHERE RESOURCES BECOME ACTIVE WITHOUT INFRASTRUCTURE. Until a real backend exists for a
 * kind (the Slurm controller for clusters, node groups and queues), this one reports every change
 * as done at once, so the API's lifecycle (CREATING → ACTIVE, DELETING → gone) behaves as PCS
 * documents while nothing is started. Server wiring chooses it explicitly per kind.
 */
public final class NoInfrastructureBackend<T> implements ResourceBackend<T> {
  @Override
  public Outcome converge(T resource) {
    return Outcome.ready();
  }

  @Override
  public Outcome remove(T resource) {
    return Outcome.ready();
  }
}
