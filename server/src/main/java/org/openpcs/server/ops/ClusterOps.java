package org.openpcs.server.ops;

import java.util.ArrayList;
import java.util.List;
import org.openpcs.api.error.ConflictException;
import org.openpcs.api.error.ServiceQuotaExceededException;
import org.openpcs.api.model.CreateClusterRequest;
import org.openpcs.api.model.CreateClusterResponse;
import org.openpcs.api.model.DeleteClusterRequest;
import org.openpcs.api.model.DeleteClusterResponse;
import org.openpcs.api.model.GetClusterRequest;
import org.openpcs.api.model.GetClusterResponse;
import org.openpcs.api.model.ListClustersRequest;
import org.openpcs.api.model.ListClustersResponse;
import org.openpcs.api.model.UpdateClusterRequest;
import org.openpcs.api.model.UpdateClusterResponse;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.Lifecycle;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.store.Page;
import org.openpcs.store.StoreTx;

/** CreateCluster, GetCluster, ListClusters, UpdateCluster, DeleteCluster. */
public final class ClusterOps {
  private static final String TYPE = ResourceKind.CLUSTER.arnType;
  private final ApiServices services;

  public ClusterOps(ApiServices services) {
    this.services = services;
  }

  public CreateClusterResponse create(CreateClusterRequest r, StoreTx tx, CallContext ctx) {
    Problems problems = new Problems();
    ClusterSpec spec =
        ClusterSpecs.fromCreate(r, services.schedulerVersions().available(), problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    problems.throwIfAny();

    tx.lockClusterSet();
    if (tx.findCluster(r.clusterName()).isPresent()) {
      throw new ConflictException(
          "A cluster named " + r.clusterName() + " already exists.", r.clusterName(), TYPE);
    }
    int limit = services.quotas().clustersPerServer();
    if (tx.allClusters().size() >= limit) {
      throw new ServiceQuotaExceededException(
          "This server allows at most " + limit + " clusters; delete one or raise --max-clusters.",
          r.clusterName(),
          TYPE,
          "clusters-per-server");
    }
    Cluster cluster =
        tx.insertCluster(
            new Cluster(
                services.ids().newResourceId(),
                r.clusterName(),
                spec,
                ResourceStatus.CREATING,
                List.of(),
                List.of(),
                1,
                0,
                0,
                ctx.now(),
                ctx.now()));
    Tags.apply(tx, cluster.id(), TYPE, r.tags(), services.quotas().tagsPerResource());
    notifyChanged(cluster, ctx);
    return new CreateClusterResponse(Wire.cluster(cluster, services.arns()));
  }

  /** Semantic problems of a CreateCluster that need no stored state. */
  public List<org.openpcs.api.error.ValidationException.Field> precheckCreate(
      CreateClusterRequest r) {
    Problems problems = new Problems();
    ClusterSpecs.fromCreate(r, services.schedulerVersions().available(), problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    return problems.fields();
  }

  /** Semantic problems of an UpdateCluster that need no stored state. */
  public static List<org.openpcs.api.error.ValidationException.Field> precheckUpdate(
      UpdateClusterRequest r) {
    Problems problems = new Problems();
    ClusterSpecs.applyUpdate(ClusterSpecs.EMPTY, r.slurmConfiguration(), problems);
    return problems.fields();
  }

  public GetClusterResponse get(GetClusterRequest r, StoreTx tx, CallContext ctx) {
    return new GetClusterResponse(
        Wire.cluster(Lookup.cluster(tx, r.clusterIdentifier()), services.arns()));
  }

  public ListClustersResponse list(ListClustersRequest r, StoreTx tx, CallContext ctx) {
    String scope = "clusters";
    long after = r.nextToken() == null ? 0 : services.pageTokens().open(scope, r.nextToken());
    Page<Cluster> page = tx.listClusters(after, Paging.limit(r.maxResults()));
    return new ListClustersResponse(
        page.items().stream().map(c -> Wire.clusterSummary(c, services.arns())).toList(),
        page.more() ? services.pageTokens().issue(scope, page.lastSeq()) : null);
  }

  public UpdateClusterResponse update(UpdateClusterRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    Problems problems = new Problems();
    ClusterSpec spec = ClusterSpecs.applyUpdate(cluster.spec(), r.slurmConfiguration(), problems);
    problems.throwIfAny();
    tx.lockCluster(cluster.id());
    if (!Lifecycle.CLUSTER_UPDATABLE.contains(cluster.status())) {
      throw new ConflictException(
          "The cluster "
              + cluster.name()
              + " is "
              + cluster.status()
              + "; it can be updated only when ACTIVE, UPDATE_FAILED or SUSPENDED.",
          cluster.id(),
          TYPE);
    }
    List<String> busy = new ArrayList<>();
    tx.nodeGroupsOf(cluster.id()).stream()
        .filter(g -> g.status() != ResourceStatus.ACTIVE)
        .forEach(g -> busy.add("compute node group " + g.name() + " is " + g.status()));
    tx.queuesOf(cluster.id()).stream()
        .filter(q -> q.status() != ResourceStatus.ACTIVE)
        .forEach(q -> busy.add("queue " + q.name() + " is " + q.status()));
    if (!busy.isEmpty()) {
      throw new ConflictException(
          "The cluster "
              + cluster.name()
              + " can be updated only when all its node groups and queues are ACTIVE: "
              + String.join(", ", busy)
              + ".",
          cluster.id(),
          TYPE);
    }
    Cluster updated = tx.updateCluster(cluster.withSpec(spec, ResourceStatus.UPDATING, ctx.now()));
    notifyChanged(updated, ctx);
    return new UpdateClusterResponse(Wire.cluster(updated, services.arns()));
  }

  public DeleteClusterResponse delete(DeleteClusterRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    tx.lockCluster(cluster.id());
    if (Lifecycle.alreadyDeleting(cluster.status())) {
      return new DeleteClusterResponse();
    }
    int groups = tx.nodeGroupsOf(cluster.id()).size();
    int queues = tx.queuesOf(cluster.id()).size();
    if (groups > 0 || queues > 0) {
      throw new ConflictException(
          "The cluster "
              + cluster.name()
              + " still has "
              + queues
              + " queue(s) and "
              + groups
              + " compute node group(s); delete the queues, then the node groups, then the cluster.",
          cluster.id(),
          TYPE);
    }
    Cluster deleting =
        tx.updateCluster(
            cluster.withStatus(ResourceStatus.DELETING, cluster.errorInfo(), ctx.now()));
    notifyChanged(deleting, ctx);
    return new DeleteClusterResponse();
  }

  /** The instance cap of a cluster of this size, for node-group quota checks. */
  static int maxInstances(Cluster cluster) {
    Size size = cluster.spec().size();
    return size.maxInstances;
  }

  private void notifyChanged(Cluster c, CallContext ctx) {
    ctx.afterCommit(() -> services.notifier().changed(ResourceKind.CLUSTER, c.id(), c.id()));
  }
}
