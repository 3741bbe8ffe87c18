package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.slurm.Hostlist;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on Slurm's power-saving requests: {@code resume} launches an instance bound to exactly that
 * node (reason SCHEDULER_REQUESTED), {@code suspend} terminates the node's instance after its idle
 * time, {@code resume-fail} (slurmctld gave up waiting) terminates whatever was started. Every
 * action is idempotent, and a request is forgotten only after it was acted on, so a server that
 * dies in between acts on it again after its restart. A suspended node's power-down ends as soon as
 * its instance is gone (D35). Nodes slurmctld allocates while powered down are launched at once,
 * ahead of its request ({@link EarlyLaunch}, D54).
 */
public final class PowerSave {
  private static final Logger log = LoggerFactory.getLogger(PowerSave.class);
  private final Store store;
  private final StaticCapacity fleet;
  private final ClusterRuntime runtime;
  private final Clock clock;
  private final ReleasedNodes released;
  private final EarlyLaunch early;

  /**
   * @param releaseTime how long the provider's instances may still run after their termination
   *     returned ({@link org.openpcs.provider.ComputeProvider#releaseTime})
   */
  public PowerSave(
      Store store,
      StaticCapacity fleet,
      ClusterRuntime runtime,
      EarlyLaunch early,
      Duration releaseTime,
      Clock clock) {
    this.store = store;
    this.early = early;
    this.fleet = fleet;
    this.runtime = runtime;
    this.clock = clock;
    // A bound on how late an end may still come (see ReleasedNodes); SuspendTimeout's margin.
    this.released =
        new ReleasedNodes(
            releaseTime, Duration.ofSeconds(SlurmConfigPlanner.SUSPEND_MARGIN_SECONDS));
  }

  /** Handles every pending request of every cluster this host runs. */
  public void drainAll() {
    List<String> clusters = runtime.knownClusters();
    early.retain(clusters);
    for (String clusterId : clusters) {
      try {
        drain(clusterId);
      } catch (RuntimeException e) {
        log.warn("cluster {}: power-saving requests not handled yet: {}", clusterId, e.toString());
      }
    }
  }

  void drain(String clusterId) {
    // Allocations first: a node launched at its allocation is one slurmctld will not ask for.
    // Never in the way of slurmctld's own requests, which would come anyway.
    try {
      early.drain(clusterId);
    } catch (RuntimeException e) {
      log.warn("cluster {}: allocations not followed this time: {}", clusterId, e.toString());
    }
    List<PowerInbox.Request> requests = PowerInbox.pending(runtime.paths(clusterId));
    List<ComputeNodeGroup> groups =
        requests.isEmpty() ? List.of() : store.inTransaction(tx -> tx.nodeGroupsOf(clusterId));
    try {
      for (PowerInbox.Request r : requests) {
        handle(clusterId, groups, r);
        // At once, not after the rest of the batch (a resume's launches may take a while).
        endPowerDowns(clusterId);
      }
    } finally {
      endPowerDowns(clusterId);
    }
  }

  /**
   * Ends the power-down of the nodes whose instances are gone (D35), on a thread of its own: it
   * reads Slurm's nodes and takes the cluster's lock, and must not hold up the power requests of
   * every cluster (a cold start waits for them).
   */
  private void endPowerDowns(String clusterId) {
    Instant now = clock.instant();
    List<String> due = released.due(clusterId, now);
    if (!due.isEmpty()) {
      Instant notAfter = now.plus(released.staleAfter());
      Thread.ofVirtual()
          .name("end-power-down-" + clusterId)
          .start(() -> runtime.nodes().powerDowns().end(clusterId, due, notAfter));
    }
  }

  private void handle(String clusterId, List<ComputeNodeGroup> groups, PowerInbox.Request r) {
    // As a hostlist expression: a 1,000-node resume listed every name on one line.
    log.info(
        "cluster {}: slurmctld asks to {} {} node(s): {}",
        clusterId,
        r.action(),
        r.nodes().size(),
        Hostlist.compress(r.nodes()));
    // One call per group, so that e.g. a 16-node resume is one "launched 16 instances" event.
    Map<ComputeNodeGroup, List<String>> byGroup = new LinkedHashMap<>();
    for (String node : r.nodes()) {
      Optional<ComputeNodeGroup> group =
          groups.stream().filter(g -> NodeNames.indexOf(g, node) > 0).findFirst();
      if (group.isEmpty()) {
        log.warn("cluster {}: no node group has node {}; ignoring {}", clusterId, node, r.action());
        continue;
      }
      byGroup.computeIfAbsent(group.get(), k -> new ArrayList<>()).add(node);
    }
    byGroup.forEach(
        (group, nodes) -> {
          switch (r.action()) {
            case PowerPrograms.RESUME -> {
              fleet.launchDynamic(group, nodes, runtime);
              early.powerUpAsked(clusterId, nodes, r.requestedAt());
            }
            case PowerPrograms.SUSPEND -> {
              fleet.terminateIdle(group, nodes);
              released.terminated(clusterId, nodes, clock.instant());
            }
            case PowerPrograms.RESUME_FAIL -> fleet.resumeFailed(group, nodes);
            default ->
                log.warn("cluster {}: ignoring unknown power request {}", clusterId, r.action());
          }
        });
    r.done();
  }
}
