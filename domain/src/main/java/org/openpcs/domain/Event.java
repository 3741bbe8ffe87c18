package org.openpcs.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A short human-readable record attached to a resource ("launched 4 instances for compute-[3-6]",
 * "c7i.large cooled down for 600 s after InsufficientCapacity"), what {@code openpcs events} shows.
 * The reason is a stable machine word (e.g. {@code INSUFFICIENT_CAPACITY}); the message is for
 * people and never carries a secret.
 *
 * @param resourceId the cluster, node group or queue id the event is about
 */
public record Event(
    Instant time,
    String clusterId,
    ResourceKind resourceKind,
    String resourceId,
    Severity severity,
    String reason,
    String message) {

  public enum Severity {
    INFO,
    WARNING,
    ERROR
  }

  public Event {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(resourceKind, "resourceKind");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
