package org.openpcs.server.ops;

import org.openpcs.api.error.ConflictException;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.Lifecycle;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;

/** Lifecycle preconditions shared by node groups and queues. */
final class ChildRules {
  private ChildRules() {}

  static void requireAcceptsChildren(Cluster cluster) {
    if (!Lifecycle.acceptsChildren(cluster)) {
      throw new ConflictException(
          "The cluster "
              + cluster.name()
              + " is "
              + cluster.status()
              + "; node groups and queues can be added only to an ACTIVE cluster.",
          cluster.id(),
          ResourceKind.CLUSTER.arnType);
    }
  }

  static void requireUpdatable(
      Cluster cluster, ResourceStatus status, String what, String id, String type) {
    requireAcceptsChildren(cluster);
    if (!Lifecycle.CHILD_UPDATABLE.contains(status)) {
      throw new ConflictException(
          "The "
              + what
              + " is "
              + status
              + "; it can be updated only when ACTIVE or UPDATE_FAILED.",
          id,
          type);
    }
  }
}
