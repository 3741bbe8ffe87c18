package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers down dynamic nodes the moment their idle time is up ({@link IdleRelease}, D34), instead of
 * at Slurm's next 10 s power-save pass. It looks at a cluster's nodes only when there is reason to:
 * a job ended (the cluster's job-completion log grew), a node it saw idle or completing is due, or
 * {@link #LOOK_AGAIN} passed (a node can turn idle without a job ending, e.g. a job cancelled while
 * its nodes booted). Nothing is kept across restarts: the first look after one finds every idle
 * node again, and meanwhile Slurm's own pass still releases them.
 */
public final class IdleReleases {
  private static final Logger log = LoggerFactory.getLogger(IdleReleases.class);

  /** The longest time between two looks at a cluster: Slurm's own pass interval. */
  static final Duration LOOK_AGAIN = Duration.ofSeconds(10);

  /** The shortest time between two looks at a cluster, however many jobs end. */
  static final Duration MIN_GAP = Duration.ofSeconds(1);

  private final Store store;
  private final ClusterRuntime runtime;
  private final Clock clock;

  /** Per cluster: the job-completion log's size at the last look, when that was, when to look. */
  private record Seen(long jobLogSize, Instant lookedAt, Instant lookAt) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  public IdleReleases(Store store, ClusterRuntime runtime, Clock clock) {
    this.store = store;
    this.runtime = runtime;
    this.clock = clock;
  }

  /** Looks at every cluster this host runs that is due; called often (a stat per cluster). */
  public void tickAll() {
    List<String> clusters = runtime.knownClusters();
    seen.keySet().retainAll(clusters);
    for (String clusterId : clusters) {
      try {
        tick(clusterId);
      } catch (RuntimeException e) {
        log.warn("cluster {}: idle nodes not looked at: {}", clusterId, e.toString());
      }
    }
  }

  void tick(String clusterId) {
    Instant now = clock.instant();
    long size = jobLogSize(runtime.paths(clusterId).log().resolve("jobcomp.txt"));
    Seen last = seen.get(clusterId);
    if (last != null) {
      boolean jobEnded = size != last.jobLogSize();
      boolean due = !now.isBefore(last.lookAt());
      if (!(jobEnded || due) || now.isBefore(last.lookedAt().plus(MIN_GAP))) {
        return;
      }
    }
    seen.put(clusterId, new Seen(size, now, look(clusterId, now)));
  }

  /** Releases what is due; returns when to look next. */
  private Instant look(String clusterId, Instant now) {
    Instant next = now.plus(LOOK_AGAIN);
    List<ComputeNodeGroup> elastic =
        store.inTransaction(tx -> tx.nodeGroupsOf(clusterId)).stream()
            .filter(g -> g.spec().maxInstanceCount() > g.spec().minInstanceCount())
            .toList();
    Optional<Cluster> cluster = store.inTransaction(tx -> tx.findCluster(clusterId));
    if (elastic.isEmpty() || cluster.isEmpty()) {
      return next;
    }
    Optional<Map<String, NodeStatus>> nodes = runtime.nodes().nodeStatuses(clusterId);
    if (nodes.isEmpty()) {
      return next;
    }
    Duration idle = Duration.ofSeconds(cluster.get().spec().slurm().scaleDownIdleTimeInSeconds());
    for (ComputeNodeGroup g : elastic) {
      IdleRelease.Plan plan =
          IdleRelease.plan(new IdleRelease.View(nodes.get(), dynamicNodes(g), idle, now));
      runtime.nodes().powerDownIdle(clusterId, plan.release());
      if (plan.nextDue().isPresent() && plan.nextDue().get().isBefore(next)) {
        next = plan.nextDue().get();
      }
    }
    return next;
  }

  private static List<String> dynamicNodes(ComputeNodeGroup g) {
    List<String> names = new java.util.ArrayList<>();
    for (int i = g.spec().minInstanceCount() + 1; i <= g.spec().maxInstanceCount(); i++) {
      names.add(NodeNames.name(g, i));
    }
    return names;
  }

  private static long jobLogSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
