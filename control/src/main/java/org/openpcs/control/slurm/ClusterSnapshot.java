package org.openpcs.control.slurm;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;

/**
 * What one sync reads from the store, in one transaction. A value with no I/O of its own: which
 * groups and queues Slurm must still know is decided here, with what it cannot read itself (jobs)
 * passed in by {@link ClusterRuntime#sync}.
 */
record ClusterSnapshot(
    Cluster cluster,
    List<ComputeNodeGroup> groups,
    List<Queue> queues,
    List<NodeInstance> instances) {
  static ClusterSnapshot read(org.openpcs.store.StoreTx tx, String clusterId) {
    Optional<Cluster> c = tx.findCluster(clusterId);
    return c.map(
            cluster ->
                new ClusterSnapshot(
                    cluster,
                    tx.nodeGroupsOf(clusterId),
                    tx.queuesOf(clusterId),
                    tx.nodeInstancesOf(clusterId)))
        .orElse(null);
  }

  /**
   * Groups whose nodes Slurm should know: groups in a queue (a group in no queue is a login fleet,
   * whose agents run no slurmd), including groups being deleted while they still have instances,
   * and a group just taken out of every queue while jobs still run on its nodes (they finish; the
   * nodes become login nodes afterwards). Nodes beyond a lowered maximum stay while they have an
   * instance.
   *
   * @param stillBusy whether a group that is in no queue any more still has jobs on its nodes
   */
  List<ComputeNodeGroup> renderedGroups(java.util.function.Predicate<ComputeNodeGroup> stillBusy) {
    Set<String> queued =
        queues.stream()
            .flatMap(q -> q.spec().computeNodeGroupIds().stream())
            .collect(Collectors.toSet());
    return groups.stream()
        .map(g -> NodeNames.coveringInstances(g, liveNodes(g)))
        .filter(
            g ->
                queued.contains(g.id())
                    ? g.status() != ResourceStatus.DELETING || !liveNodes(g).isEmpty()
                    : !liveNodes(g).isEmpty() && stillBusy.test(g))
        .toList();
  }

  private List<String> liveNodes(ComputeNodeGroup g) {
    return instances.stream()
        .filter(i -> i.nodeGroupId().equals(g.id()) && i.live())
        .map(NodeInstance::nodeName)
        .toList();
  }

  /** Queues being deleted stay (draining) while jobs remain in them. */
  List<Queue> renderedQueues(java.util.function.ToIntFunction<Queue> jobs) {
    return queues.stream()
        .filter(q -> q.status() != ResourceStatus.DELETING || jobs.applyAsInt(q) > 0)
        .toList();
  }
}
