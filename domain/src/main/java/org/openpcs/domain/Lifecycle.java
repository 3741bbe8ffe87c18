package org.openpcs.domain;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** Which lifecycle state allows which API action (pcs-api-notes §5.4). Pure rules, no I/O. */
public final class Lifecycle {
  private Lifecycle() {}

  /** States in which UpdateCluster may start. */
  public static final Set<ResourceStatus> CLUSTER_UPDATABLE =
      java.util.Collections.unmodifiableSet(
          EnumSet.of(
              ResourceStatus.ACTIVE, ResourceStatus.UPDATE_FAILED, ResourceStatus.SUSPENDED));

  /** States in which a node group or queue may be updated. */
  public static final Set<ResourceStatus> CHILD_UPDATABLE =
      java.util.Collections.unmodifiableSet(
          EnumSet.of(ResourceStatus.ACTIVE, ResourceStatus.UPDATE_FAILED));

  /** Node groups and queues can only be added to a cluster that runs. */
  public static boolean acceptsChildren(Cluster cluster) {
    return cluster.status() == ResourceStatus.ACTIVE || cluster.status() == ResourceStatus.UPDATING;
  }

  public static boolean allActive(Collection<ResourceStatus> statuses) {
    return statuses.stream().allMatch(s -> s == ResourceStatus.ACTIVE);
  }

  /**
   * A delete of a resource already being deleted is a no-op success (the operation is idempotent).
   */
  public static boolean alreadyDeleting(ResourceStatus status) {
    return status == ResourceStatus.DELETING || status == ResourceStatus.DELETED;
  }
}
