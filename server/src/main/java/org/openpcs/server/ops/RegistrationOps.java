package org.openpcs.server.ops;

import java.util.List;
import java.util.Optional;
import org.openpcs.api.error.AccessDeniedException;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceRequest;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceResponse;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.SecretBox;
import org.openpcs.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RegisterComputeNodeGroupInstance: an instance's agent trades its single-use bootstrap id for its
 * Slurm node name, the cluster key and the controller endpoint. Unknown, reused, foreign or
 * terminated bootstrap ids are refused with one generic message (the caller learns nothing) and
 * logged with the precise reason. The key is never logged.
 */
public final class RegistrationOps {
  private static final Logger log = LoggerFactory.getLogger(RegistrationOps.class);
  private final SecretBox box;
  private final org.openpcs.control.ScalingLog scaling;
  private final java.time.Clock clock;

  public RegistrationOps(
      SecretBox box, org.openpcs.control.ScalingLog scaling, java.time.Clock clock) {
    this.box = box;
    this.scaling = scaling;
    this.clock = clock;
  }

  public RegisterComputeNodeGroupInstanceResponse register(
      RegisterComputeNodeGroupInstanceRequest r, StoreTx tx, CallContext ctx) {
    Optional<Cluster> cluster = tx.findCluster(r.clusterIdentifier());
    if (cluster.isEmpty()) {
      throw deny(r, ctx, "no such cluster");
    }
    NodeInstance ni =
        tx.findNodeInstance(r.bootstrapId())
            .orElseThrow(() -> deny(r, ctx, "unknown bootstrap id"));
    if (!ni.clusterId().equals(cluster.get().id())) {
      throw deny(r, ctx, "bootstrap id belongs to another cluster");
    }
    if (ni.registeredAt() != null) {
      throw deny(r, ctx, "bootstrap id was already used at " + ni.registeredAt());
    }
    if (!ni.live()) {
      throw deny(r, ctx, "instance was terminated");
    }
    String secret =
        tx.clusterSecret(ni.clusterId())
            .map(box::unseal)
            .orElseThrow(() -> deny(r, ctx, "cluster has no key yet"));
    tx.updateNodeInstance(ni.registered(ctx.now()));
    String group =
        tx.findNodeGroup(ni.clusterId(), ni.nodeGroupId()).map(g -> g.name()).orElse(null);
    ctx.afterCommit(
        () ->
            scaling.record(
                new org.openpcs.control.ScalingLog.Entry(
                    clock.instant(),
                    ni.clusterId(),
                    ni.nodeGroupId(),
                    group,
                    ni.nodeName(),
                    ni.instanceId(),
                    ni.instanceType(),
                    "REGISTERED",
                    "REGISTER_SUCCESS",
                    null)));
    log.info(
        "registered instance {} as node {} of cluster {}",
        ni.instanceId(),
        ni.nodeName(),
        ni.clusterId());
    return new RegisterComputeNodeGroupInstanceResponse(
        ni.nodeName(),
        secret,
        Wire.endpoints(cluster.get().endpoints()) == null
            ? List.of()
            : Wire.endpoints(cluster.get().endpoints()));
  }

  private static AccessDeniedException deny(
      RegisterComputeNodeGroupInstanceRequest r, CallContext ctx, String why) {
    log.warn(
        "refused registration for cluster {} by key {} (request {}): {}",
        r.clusterIdentifier(),
        ctx.principal(),
        ctx.requestId(),
        why);
    return new AccessDeniedException(
        "The bootstrap id is not valid for cluster " + r.clusterIdentifier() + ".");
  }
}
