package org.openpcs.control;

import org.openpcs.domain.ResourceKind;

/** Identifies one resource for reconciliation. {@code clusterId} equals {@code id} for clusters. */
public record ResourceKey(ResourceKind kind, String clusterId, String id) {
  public static ResourceKey cluster(String clusterId) {
    return new ResourceKey(ResourceKind.CLUSTER, clusterId, clusterId);
  }

  public static ResourceKey nodeGroup(String clusterId, String id) {
    return new ResourceKey(ResourceKind.COMPUTE_NODE_GROUP, clusterId, id);
  }

  public static ResourceKey queue(String clusterId, String id) {
    return new ResourceKey(ResourceKind.QUEUE, clusterId, id);
  }
}
