package org.openpcs.server.ops;

import org.openpcs.api.error.ResourceNotFoundException;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceKind;
import org.openpcs.store.StoreTx;

/** Resolves {@code *Identifier} members (a name or an id) or fails with ResourceNotFound. */
final class Lookup {
  private Lookup() {}

  static Cluster cluster(StoreTx tx, String identifier) {
    return tx.findCluster(identifier).orElseThrow(() -> notFound(ResourceKind.CLUSTER, identifier));
  }

  static ComputeNodeGroup nodeGroup(StoreTx tx, Cluster cluster, String identifier) {
    return tx.findNodeGroup(cluster.id(), identifier)
        .orElseThrow(() -> notFound(ResourceKind.COMPUTE_NODE_GROUP, identifier));
  }

  static Queue queue(StoreTx tx, Cluster cluster, String identifier) {
    return tx.findQueue(cluster.id(), identifier)
        .orElseThrow(() -> notFound(ResourceKind.QUEUE, identifier));
  }

  static ResourceNotFoundException notFound(ResourceKind kind, String identifier) {
    String what =
        switch (kind) {
          case CLUSTER -> "cluster";
          case COMPUTE_NODE_GROUP -> "compute node group";
          case QUEUE -> "queue";
        };
    return new ResourceNotFoundException(
        "The " + what + " " + identifier + " does not exist.", identifier, kind.arnType);
  }
}
