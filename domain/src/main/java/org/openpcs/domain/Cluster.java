package org.openpcs.domain;

import java.time.Instant;
import java.util.List;

/**
 * A cluster: spec (API-owned), status (controller-owned) and bookkeeping. {@code generation} counts
 * spec changes; {@code observedGeneration} is the last generation a controller converged; {@code
 * version} is the row's compare-and-set counter.
 */
public record Cluster(
    String id,
    String name,
    ClusterSpec spec,
    ResourceStatus status,
    List<ErrorInfo> errorInfo,
    List<Endpoint> endpoints,
    long generation,
    long observedGeneration,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  public Cluster withSpec(ClusterSpec newSpec, ResourceStatus newStatus, Instant now) {
    return new Cluster(
        id,
        name,
        newSpec,
        newStatus,
        errorInfo,
        endpoints,
        generation + 1,
        observedGeneration,
        version,
        createdAt,
        now);
  }

  public Cluster withStatus(ResourceStatus newStatus, List<ErrorInfo> errors, Instant now) {
    return new Cluster(
        id,
        name,
        spec,
        newStatus,
        errors,
        endpoints,
        generation,
        observedGeneration,
        version,
        createdAt,
        now);
  }

  public Cluster withObserved(
      ResourceStatus newStatus,
      List<ErrorInfo> errors,
      List<Endpoint> newEndpoints,
      long observed,
      Instant now) {
    return new Cluster(
        id,
        name,
        spec,
        newStatus,
        errors,
        newEndpoints,
        generation,
        observed,
        version,
        createdAt,
        now);
  }
}
