package org.openpcs.domain;

import java.time.Instant;
import java.util.List;

/** A queue (Slurm partition) of one cluster; same spec/status split as {@link Cluster}. */
public record Queue(
    String id,
    String clusterId,
    String name,
    QueueSpec spec,
    ResourceStatus status,
    List<ErrorInfo> errorInfo,
    long generation,
    long observedGeneration,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  public Queue withSpec(QueueSpec newSpec, ResourceStatus newStatus, Instant now) {
    return new Queue(
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

  public Queue withStatus(ResourceStatus newStatus, List<ErrorInfo> errors, Instant now) {
    return new Queue(
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

  public Queue withObserved(
      ResourceStatus newStatus, List<ErrorInfo> errors, long observed, Instant now) {
    return new Queue(
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
