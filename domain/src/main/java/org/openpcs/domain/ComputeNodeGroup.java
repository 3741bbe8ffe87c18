package org.openpcs.domain;

import java.time.Instant;
import java.util.List;

/** A compute node group of one cluster; same spec/status split as {@link Cluster}. */
public record ComputeNodeGroup(
    String id,
    String clusterId,
    String name,
    NodeGroupSpec spec,
    ResourceStatus status,
    List<ErrorInfo> errorInfo,
    long generation,
    long observedGeneration,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  public ComputeNodeGroup withSpec(NodeGroupSpec newSpec, ResourceStatus newStatus, Instant now) {
    return new ComputeNodeGroup(
        id,
        clusterId,
        name,
        newSpec,
        newStatus,
        errorInfo,
        generation + 1,
        observedGeneration,
        version,
        createdAt,
        now);
  }

  public ComputeNodeGroup withStatus(
      ResourceStatus newStatus, List<ErrorInfo> errors, Instant now) {
    return new ComputeNodeGroup(
        id,
        clusterId,
        name,
        spec,
        newStatus,
        errors,
        generation,
        observedGeneration,
        version,
        createdAt,
        now);
  }

  public ComputeNodeGroup withObserved(
      ResourceStatus newStatus, List<ErrorInfo> errors, long observed, Instant now) {
    return new ComputeNodeGroup(
        id,
        clusterId,
        name,
        spec,
        newStatus,
        errors,
        generation,
        observed,
        version,
        createdAt,
        now);
  }
}
