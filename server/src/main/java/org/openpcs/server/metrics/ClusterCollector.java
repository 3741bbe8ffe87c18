package org.openpcs.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpcs.control.slurm.NodeNames;
import org.openpcs.control.slurm.OwnershipTags;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Queue;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every cluster's state once per period — one {@code sinfo} and one {@code squeue} per
 * cluster, the provider's instances, and the resources from the store — and publishes it as gauges:
 * nodes by Slurm state, instances by state, jobs by queue and state; and adds idle node-seconds. It
 * runs on its own thread, never on an API or reconcile thread.
 *
 * <p>A cluster whose controller cannot be read keeps its last values (and counts a collection
 * error) instead of dropping to zero, which would look like a cluster without nodes; a deleted
 * cluster's series disappear.
 */
public final class ClusterCollector implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ClusterCollector.class);

  private final Store store;
  private final SlurmReader slurm;
  private final ComputeProvider provider;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Duration period;
  private final GaugeRows nodes;
  private final GaugeRows instances;
  private final GaugeRows jobs;
  private final Map<String, ClusterRows> last = new HashMap<>();
  private final Map<String, Instant> lastRead = new HashMap<>();

  /** One cluster's rows of each gauge, and its idle nodes by group. */
  private record ClusterRows(
      Map<Tags, Integer> nodes,
      Map<Tags, Integer> instances,
      Map<Tags, Integer> jobs,
      Map<String, Integer> idleByGroup) {}

  public ClusterCollector(
      Store store,
      SlurmReader slurm,
      ComputeProvider provider,
      MeterRegistry registry,
      Clock clock,
      Duration period) {
    this.store = store;
    this.slurm = slurm;
    this.provider = provider;
    this.registry = registry;
    this.clock = clock;
    this.period = period;
    this.nodes =
        new GaugeRows(
            "openpcs.slurm.nodes",
            "Slurm nodes by state, per queue (partition) and node group",
            registry);
    this.instances =
        new GaugeRows("openpcs.instances", "Provider instances by state, per node group", registry);
    this.jobs =
        new GaugeRows("openpcs.jobs", "Slurm jobs not finished yet, per queue and state", registry);
  }

  /** One collection; never throws (it runs on a scheduler that would stop on an exception). */
  @Override
  public synchronized void run() {
    try {
      collect();
    } catch (RuntimeException e) {
      log.warn("metrics collection failed: {}", e.toString());
    }
  }

  private void collect() {
    List<Snapshot> clusters = store.inTransaction(tx -> Snapshot.readAll(tx));
    Map<String, ClusterRows> now = new HashMap<>();
    for (Snapshot c : clusters) {
      String id = c.cluster().id();
      try {
        ClusterRows rows = read(c);
        addIdle(id, rows.idleByGroup());
        now.put(id, rows);
      } catch (RuntimeException e) {
        Counter.builder("openpcs.collector.errors")
            .description("Failed reads of a cluster's state by the metrics collector")
            .tag("cluster", id)
            .register(registry)
            .increment();
        log.debug("cluster {}: could not collect metrics: {}", id, e.toString());
        if (last.containsKey(id)) {
          now.put(id, last.get(id));
        }
      }
    }
    last.clear();
    last.putAll(now);
    lastRead.keySet().retainAll(now.keySet());
    nodes.set(flatten(now, ClusterRows::nodes));
    instances.set(flatten(now, ClusterRows::instances));
    jobs.set(flatten(now, ClusterRows::jobs));
  }

  private ClusterRows read(Snapshot c) {
    String id = c.cluster().id();
    List<NodeStatus> nodeStates = slurm.nodes(id);
    List<JobStatus> jobStates = slurm.jobs(id);
    List<Instance> live =
        provider.describe(Map.of(OwnershipTags.CLUSTER, id)).stream()
            .filter(i -> !i.terminated())
            .toList();

    Map<Tags, Integer> nodeCounts = new HashMap<>();
    Map<String, Integer> idle = new HashMap<>();
    for (NodeStatus n : nodeStates) {
      ComputeNodeGroup g = c.groupOf(n.name());
      if (g == null) {
        continue; // the placeholder node of a cluster without groups
      }
      String state = state(n);
      for (String queue : c.queuesOf(g)) {
        nodeCounts.merge(
            Tags.of("cluster", id, "queue", queue, "node_group", g.name(), "state", state),
            1,
            Integer::sum);
      }
      if (state.equals("idle")) {
        idle.merge(g.name(), 1, Integer::sum);
      }
    }
    Map<Tags, Integer> instanceCounts = new HashMap<>();
    for (Instance i : live) {
      String group = c.groupName(i.tags().get(OwnershipTags.GROUP));
      instanceCounts.merge(
          Tags.of("cluster", id, "node_group", group, "state", i.state().toLowerCase()),
          1,
          Integer::sum);
    }
    Map<Tags, Integer> jobCounts = new HashMap<>();
    // Every queue shows pending and running, zero included, so dashboards need no absent().
    for (Queue q : c.queues()) {
      for (String state : List.of("pending", "running")) {
        jobCounts.put(Tags.of("cluster", id, "queue", q.name(), "state", state), 0);
      }
    }
    for (JobStatus j : jobStates) {
      if (j.finished() || j.partition() == null) {
        continue;
      }
      jobCounts.merge(
          Tags.of("cluster", id, "queue", j.partition(), "state", j.state().toLowerCase()),
          1,
          Integer::sum);
    }
    return new ClusterRows(nodeCounts, instanceCounts, jobCounts, idle);
  }

  /**
   * Idle node-seconds: the idle nodes seen now times the time since the last good read, capped at
   * two periods so that a long gap (controller down) is not billed as idle.
   */
  private void addIdle(String clusterId, Map<String, Integer> idleByGroup) {
    Instant now = clock.instant();
    Instant before = lastRead.put(clusterId, now);
    if (before == null) {
      return;
    }
    Duration elapsed = Duration.between(before, now);
    if (elapsed.compareTo(period.multipliedBy(2)) > 0) {
      elapsed = period.multipliedBy(2);
    }
    double seconds = elapsed.toNanos() / 1e9;
    idleByGroup.forEach(
        (group, count) ->
            Counter.builder("openpcs.idle.node.seconds")
                .description("Node-seconds spent idle (running an instance, no job)")
                .tags("cluster", clusterId, "node_group", group)
                .register(registry)
                .increment(count * seconds));
  }

  /**
   * One word per node: powered_down, powering_up, powering_down, drained, draining, or Slurm's base
   * state in lower case (idle, allocated, mixed, down, future, unknown).
   */
  static String state(NodeStatus n) {
    if (n.has("POWERED_DOWN")) {
      return "powered_down";
    }
    if (n.has("POWERING_UP")) {
      return "powering_up";
    }
    if (n.has("POWERING_DOWN")) {
      return "powering_down";
    }
    if (n.has("DRAIN")) {
      return n.baseState().equals("IDLE") ? "drained" : "draining";
    }
    return n.baseState().toLowerCase();
  }

  /** One gauge's series of every cluster (their tags differ by the cluster label). */
  private static Map<Tags, Integer> flatten(
      Map<String, ClusterRows> all,
      java.util.function.Function<ClusterRows, Map<Tags, Integer>> part) {
    Map<Tags, Integer> rows = new HashMap<>();
    all.values().forEach(r -> rows.putAll(part.apply(r)));
    return rows;
  }

  /** One cluster's resources as the store has them, with the lookups the collector needs. */
  record Snapshot(Cluster cluster, List<ComputeNodeGroup> groups, List<Queue> queues) {
    private static final Set<org.openpcs.domain.ResourceStatus> RUNNING =
        Set.of(
            org.openpcs.domain.ResourceStatus.ACTIVE,
            org.openpcs.domain.ResourceStatus.UPDATING,
            org.openpcs.domain.ResourceStatus.UPDATE_FAILED);

    /** Clusters that have a controller to ask (not being created, failed or deleted). */
    static List<Snapshot> readAll(org.openpcs.store.StoreTx tx) {
      return tx.allClusters().stream()
          .filter(c -> RUNNING.contains(c.status()))
          .map(c -> new Snapshot(c, tx.nodeGroupsOf(c.id()), tx.queuesOf(c.id())))
          .toList();
    }

    ComputeNodeGroup groupOf(String node) {
      return groups.stream().filter(g -> NodeNames.indexOf(g, node) > 0).findFirst().orElse(null);
    }

    String groupName(String groupId) {
      return groups.stream()
          .filter(g -> g.id().equals(groupId))
          .map(ComputeNodeGroup::name)
          .findFirst()
          .orElse(MeteredScalingLog.label(groupId));
    }

    /** The queues (partitions) a group's nodes are in; {@code none} for a login fleet. */
    List<String> queuesOf(ComputeNodeGroup g) {
      List<String> names =
          queues.stream()
              .filter(q -> q.spec().computeNodeGroupIds().contains(g.id()))
              .map(Queue::name)
              .toList();
      return names.isEmpty() ? List.of("none") : names;
    }
  }
}
