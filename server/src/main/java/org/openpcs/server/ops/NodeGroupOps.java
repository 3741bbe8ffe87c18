package org.openpcs.server.ops;

import java.util.List;
import org.openpcs.api.error.ConflictException;
import org.openpcs.api.error.ServiceQuotaExceededException;
import org.openpcs.api.model.CreateComputeNodeGroupRequest;
import org.openpcs.api.model.CreateComputeNodeGroupResponse;
import org.openpcs.api.model.DeleteComputeNodeGroupRequest;
import org.openpcs.api.model.DeleteComputeNodeGroupResponse;
import org.openpcs.api.model.GetComputeNodeGroupRequest;
import org.openpcs.api.model.GetComputeNodeGroupResponse;
import org.openpcs.api.model.ListComputeNodeGroupsRequest;
import org.openpcs.api.model.ListComputeNodeGroupsResponse;
import org.openpcs.api.model.UpdateComputeNodeGroupRequest;
import org.openpcs.api.model.UpdateComputeNodeGroupResponse;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Lifecycle;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.Page;
import org.openpcs.store.StoreTx;

/** The five compute node group operations. */
public final class NodeGroupOps {
  private static final String TYPE = ResourceKind.COMPUTE_NODE_GROUP.arnType;
  private final ApiServices services;

  public NodeGroupOps(ApiServices services) {
    this.services = services;
  }

  public CreateComputeNodeGroupResponse create(
      CreateComputeNodeGroupRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    Problems problems = new Problems();
    NodeGroupSpec spec = NodeGroupSpecs.fromCreate(r, services.provider(), problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    problems.throwIfAny();

    tx.lockCluster(cluster.id());
    ChildRules.requireAcceptsChildren(cluster);
    if (tx.findNodeGroup(cluster.id(), r.computeNodeGroupName()).isPresent()) {
      throw new ConflictException(
          "A compute node group named "
              + r.computeNodeGroupName()
              + " already exists in cluster "
              + cluster.name()
              + ".",
          r.computeNodeGroupName(),
          TYPE);
    }
    List<ComputeNodeGroup> groups = tx.nodeGroupsOf(cluster.id());
    int limit = services.quotas().nodeGroupsPerCluster();
    if (groups.size() >= limit) {
      throw new ServiceQuotaExceededException(
          "A cluster can have at most " + limit + " compute node groups.",
          cluster.id(),
          ResourceKind.CLUSTER.arnType,
          "compute-node-groups-per-cluster");
    }
    checkInstanceQuota(cluster, groups, null, spec.maxInstanceCount());
    ComputeNodeGroup group =
        tx.insertNodeGroup(
            new ComputeNodeGroup(
                services.ids().newResourceId(),
                cluster.id(),
                r.computeNodeGroupName(),
                spec,
                ResourceStatus.CREATING,
                List.of(),
                1,
                0,
                0,
                ctx.now(),
                ctx.now()));
    Tags.apply(tx, group.id(), TYPE, r.tags(), services.quotas().tagsPerResource());
    notifyChanged(group, ctx);
    return new CreateComputeNodeGroupResponse(Wire.nodeGroup(group, services.arns()));
  }

  /** Semantic problems of a CreateComputeNodeGroup that need no stored state. */
  public List<org.openpcs.api.error.ValidationException.Field> precheckCreate(
      CreateComputeNodeGroupRequest r) {
    Problems problems = new Problems();
    NodeGroupSpecs.fromCreate(r, services.provider(), problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    return problems.fields();
  }

  public GetComputeNodeGroupResponse get(
      GetComputeNodeGroupRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    return new GetComputeNodeGroupResponse(
        Wire.nodeGroup(
            Lookup.nodeGroup(tx, cluster, r.computeNodeGroupIdentifier()), services.arns()));
  }

  public ListComputeNodeGroupsResponse list(
      ListComputeNodeGroupsRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    String scope = "computenodegroups/" + cluster.id();
    long after = r.nextToken() == null ? 0 : services.pageTokens().open(scope, r.nextToken());
    Page<ComputeNodeGroup> page =
        tx.listNodeGroups(cluster.id(), after, Paging.limit(r.maxResults()));
    return new ListComputeNodeGroupsResponse(
        page.items().stream().map(g -> Wire.nodeGroupSummary(g, services.arns())).toList(),
        page.more() ? services.pageTokens().issue(scope, page.lastSeq()) : null);
  }

  public UpdateComputeNodeGroupResponse update(
      UpdateComputeNodeGroupRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    ComputeNodeGroup group = Lookup.nodeGroup(tx, cluster, r.computeNodeGroupIdentifier());
    Problems problems = new Problems();
    NodeGroupSpec spec = NodeGroupSpecs.applyUpdate(group.spec(), r, services.provider(), problems);
    problems.throwIfAny();

    tx.lockCluster(cluster.id());
    ChildRules.requireUpdatable(
        cluster, group.status(), "compute node group " + group.name(), group.id(), TYPE);
    checkInstanceQuota(cluster, tx.nodeGroupsOf(cluster.id()), group.id(), spec.maxInstanceCount());
    ComputeNodeGroup updated =
        tx.updateNodeGroup(group.withSpec(spec, ResourceStatus.UPDATING, ctx.now()));
    notifyChanged(updated, ctx);
    return new UpdateComputeNodeGroupResponse(Wire.nodeGroup(updated, services.arns()));
  }

  public DeleteComputeNodeGroupResponse delete(
      DeleteComputeNodeGroupRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    ComputeNodeGroup group = Lookup.nodeGroup(tx, cluster, r.computeNodeGroupIdentifier());
    tx.lockCluster(cluster.id());
    if (Lifecycle.alreadyDeleting(group.status())) {
      return new DeleteComputeNodeGroupResponse();
    }
    List<String> users =
        tx.queuesOf(cluster.id()).stream()
            .filter(q -> q.spec().computeNodeGroupIds().contains(group.id()))
            .map(Queue::name)
            .toList();
    if (!users.isEmpty()) {
      throw new ConflictException(
          "The compute node group "
              + group.name()
              + " is used by queue(s) "
              + String.join(", ", users)
              + "; remove it from them first.",
          group.id(),
          TYPE);
    }
    ComputeNodeGroup deleting =
        tx.updateNodeGroup(group.withStatus(ResourceStatus.DELETING, group.errorInfo(), ctx.now()));
    notifyChanged(deleting, ctx);
    return new DeleteComputeNodeGroupResponse();
  }

  /** Σ maxInstanceCount over the cluster's groups may not exceed what its size allows. */
  private static void checkInstanceQuota(
      Cluster cluster, List<ComputeNodeGroup> groups, String replacing, int newMax) {
    int others =
        groups.stream()
            .filter(g -> !g.id().equals(replacing))
            .mapToInt(g -> g.spec().maxInstanceCount())
            .sum();
    int cap = ClusterOps.maxInstances(cluster);
    if (others + newMax > cap) {
      throw new ServiceQuotaExceededException(
          "A "
              + cluster.spec().size()
              + " cluster allows at most "
              + cap
              + " instances in total over its compute node groups; the others already have "
              + others
              + " and this one asks for "
              + newMax
              + ".",
          cluster.id(),
          ResourceKind.CLUSTER.arnType,
          "instances-per-cluster");
    }
  }

  private void notifyChanged(ComputeNodeGroup g, CallContext ctx) {
    ctx.afterCommit(
        () -> services.notifier().changed(ResourceKind.COMPUTE_NODE_GROUP, g.clusterId(), g.id()));
  }
}
