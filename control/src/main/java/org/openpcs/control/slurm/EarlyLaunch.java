package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the instances of powered-down nodes the moment slurmctld gives them to a job, instead of
 * when its power-saving thread next asks for them, about a second later (D54). slurmctld logs the
 * allocation as it makes it ({@link AllocationLog}); a node Slurm then shows allocated and powered
 * down is one it is about to resume, so launching it now is launching what it will ask for.
 *
 * <p>A slurmd that registers while its node is still powered down is taken as the node powering up,
 * and slurmctld then never asks for it. One that registers only after slurmctld's request is taken
 * only if it started in that request's second or later: a slurmd that started before and registered
 * after is refused, and the node would wait for it until ResumeTimeout. So every node launched
 * early that slurmctld still asks for is watched, and replaced at once when Slurm shows it refused.
 */
public final class EarlyLaunch {
  private static final Logger log = LoggerFactory.getLogger(EarlyLaunch.class);

  /** How long a node launched early is looked after: {@link PowerUpWatch}'s bound takes over. */
  static final Duration WATCH_FOR = PowerUpWatch.UNREGISTERED_BOUND;

  private static final long LOOK_EVERY_MS = 200;

  private final Store store;
  private final StaticCapacity fleet;
  private final ClusterRuntime runtime;
  private final Clock clock;
  private final Map<String, AllocationLog> logs = new ConcurrentHashMap<>();

  /** {@code clusterId/node} → when the node was launched early. */
  private final Map<String, Instant> launchedAt = new ConcurrentHashMap<>();

  public EarlyLaunch(Store store, StaticCapacity fleet, ClusterRuntime runtime, Clock clock) {
    this.store = store;
    this.fleet = fleet;
    this.runtime = runtime;
    this.clock = clock;
  }

  /** Launches what slurmctld allocated since the last call and will power up. */
  void drain(String clusterId) {
    Instant now = clock.instant();
    launchedAt.values().removeIf(t -> !t.plus(WATCH_FOR).isAfter(now));
    List<String> allocated =
        logs.computeIfAbsent(
                clusterId, c -> new AllocationLog(runtime.paths(c).log().resolve("slurmctld.log")))
            .newlyAllocated();
    if (allocated.isEmpty()) {
      return;
    }
    // Most allocations are of nodes that run: one read of the records settles them.
    record Known(List<NodeInstance> instances, List<ComputeNodeGroup> groups) {}
    Known known =
        store.inTransaction(
            tx -> new Known(tx.nodeInstancesOf(clusterId), tx.nodeGroupsOf(clusterId)));
    Set<String> backed =
        known.instances().stream()
            .filter(NodeInstance::live)
            .map(NodeInstance::nodeName)
            .collect(Collectors.toSet());
    List<ComputeNodeGroup> groups = known.groups();
    List<String> cold =
        allocated.stream()
            .filter(n -> !backed.contains(n) && dynamicGroupOf(groups, n).isPresent())
            .toList();
    if (cold.isEmpty()) {
      return;
    }
    Optional<Map<String, NodeStatus>> slurm = runtime.nodes().nodeStatuses(clusterId, cold);
    if (slurm.isEmpty()) {
      return; // slurmctld's own request will come
    }
    Map<ComputeNodeGroup, List<String>> byGroup = new LinkedHashMap<>();
    for (String node : toLaunch(cold, slurm.get())) {
      byGroup
          .computeIfAbsent(dynamicGroupOf(groups, node).orElseThrow(), g -> new ArrayList<>())
          .add(node);
    }
    byGroup.forEach(
        (g, nodes) -> {
          log.info(
              "cluster {}: slurmctld gave powered-down node(s) {} to a job; launching them now,"
                  + " ahead of its power-up request",
              clusterId,
              Hostlist.compress(nodes));
          nodes.forEach(n -> launchedAt.put(clusterId + "/" + n, now));
          // On a thread of its own: a 1,000-node launch takes seconds, and slurmctld's power-up
          // request for these nodes, which may start a watch (below), must not wait behind it.
          Thread.ofVirtual()
              .name("early-launch-" + clusterId)
              .start(
                  () -> {
                    try {
                      fleet.launchAllocated(g, nodes, runtime);
                    } catch (RuntimeException e) {
                      log.warn(
                          "cluster {}: early launch of {} failed ({}); slurmctld's request or"
                              + " the power-up watch launches them",
                          clusterId,
                          Hostlist.compress(nodes),
                          e.toString());
                    }
                  });
        });
  }

  /**
   * slurmctld asked to power up these nodes at {@code requestedAt}: of those launched early, the
   * ones whose agent registered before that moment may have a slurmd that started before it, and
   * are watched until Slurm took their slurmd or refused it. An agent starts slurmd only after it
   * registered, so a node whose agent registered later (or not yet) cannot be refused.
   */
  void powerUpAsked(String clusterId, Collection<String> nodes, Instant requestedAt) {
    Map<String, Instant> launched = new LinkedHashMap<>();
    for (String n : nodes) {
      Instant at = launchedAt.remove(clusterId + "/" + n);
      if (at != null) {
        launched.put(n, at);
      }
    }
    if (launched.isEmpty()) {
      return;
    }
    List<NodeInstance> records = store.inTransaction(tx -> tx.nodeInstancesOf(clusterId));
    Map<String, Instant> raced = mayBeRefused(launched, records, requestedAt);
    if (!raced.isEmpty()) {
      Thread.ofVirtual()
          .name("early-launch-watch-" + clusterId)
          .start(() -> watch(clusterId, raced));
    }
  }

  /**
   * The nodes launched early whose live instance's agent registered before slurmctld's request
   * (pure): node → when it was launched early.
   */
  static Map<String, Instant> mayBeRefused(
      Map<String, Instant> launched, List<NodeInstance> records, Instant requestedAt) {
    Map<String, Instant> out = new LinkedHashMap<>();
    launched.forEach(
        (node, at) -> {
          boolean registeredBefore =
              records.stream()
                  .anyMatch(
                      ni ->
                          ni.nodeName().equals(node)
                              && ni.live()
                              && ni.registeredAt() != null
                              && ni.registeredAt().isBefore(requestedAt));
          if (registeredBefore) {
            out.put(node, at);
          }
        });
    return out;
  }

  /** Forgets clusters this host no longer runs. */
  void retain(Collection<String> clusterIds) {
    logs.keySet().retainAll(Set.copyOf(clusterIds));
  }

  private void watch(String clusterId, Map<String, Instant> raced) {
    Map<String, Instant> open = new LinkedHashMap<>(raced);
    long deadline = System.nanoTime() + WATCH_FOR.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(LOOK_EVERY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Optional<Map<String, NodeStatus>> slurm =
          runtime.nodes().nodeStatuses(clusterId, List.copyOf(open.keySet()));
      if (slurm.isEmpty()) {
        continue;
      }
      for (Map.Entry<String, Instant> e : List.copyOf(open.entrySet())) {
        NodeStatus s = slurm.get().get(e.getKey());
        if (s == null || !s.has("POWERING_UP")) {
          open.remove(e.getKey()); // taken (or no longer wanted)
        } else if (refused(s, e.getValue())) {
          open.remove(e.getKey());
          List<ComputeNodeGroup> groups = store.inTransaction(tx -> tx.nodeGroupsOf(clusterId));
          dynamicGroupOf(groups, e.getKey())
              .ifPresent(g -> fleet.replaceRefused(g, e.getKey(), runtime));
        }
      }
    }
  }

  /**
   * The allocated nodes slurmctld will power up (pure): allocated (or shared) and powered down, not
   * on their way down.
   */
  static List<String> toLaunch(List<String> cold, Map<String, NodeStatus> slurm) {
    return cold.stream()
        .filter(
            n -> {
              NodeStatus s = slurm.get(n);
              return s != null
                  && s.has("POWERED_DOWN")
                  && !s.has("POWERING_DOWN")
                  && (s.baseState().equals("ALLOCATED") || s.baseState().equals("MIXED"));
            })
        .toList();
  }

  /**
   * Whether slurmctld refused the registration of a node launched early (pure): it still powers the
   * node up, yet a slurmd that started after the early launch (in that second or later) registered.
   * The slurmd of the node's previous power cycle started long before its early launch.
   */
  static boolean refused(NodeStatus s, Instant launchedAt) {
    return s.has("POWERING_UP")
        && s.slurmdStart() != null
        && !s.slurmdStart().isBefore(launchedAt.truncatedTo(ChronoUnit.SECONDS));
  }

  private static Optional<ComputeNodeGroup> dynamicGroupOf(
      List<ComputeNodeGroup> groups, String node) {
    return groups.stream()
        .filter(g -> NodeNames.indexOf(g, node) > g.spec().minInstanceCount())
        .findFirst();
  }
}
