package org.openpcs.control.slurm;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeInstance;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node group's fleet: keeps its static nodes ({@code <group>-1 … <group>-min}) backed by running
 * instances (reason MAINTAIN_MIN_CAPACITY), launches and terminates dynamic nodes as Slurm's power
 * saving asks, and on every pass repairs what went wrong: single instances ({@link
 * InstanceRepair}), nodes Slurm waits for in vain ({@link PowerUpRepair}), instances beyond the
 * maximum ({@link FleetPlanner}) and instances no record accounts for ({@link OrphanSweep}). The
 * launches themselves, recorded before the provider is called, are {@link Launches}'.
 */
public final class StaticCapacity {
  private static final Logger log = LoggerFactory.getLogger(StaticCapacity.class);
  private final Store store;
  private final ComputeProvider provider;
  private final Clock clock;

  private final LaunchPolicy policy;
  private final FleetEvents events;

  private final Launches launches;
  private final OrphanSweep orphans;
  private final InstanceRepair repair;
  private final PowerUpRepair powerUps;

  public StaticCapacity(
      Store store, ComputeProvider provider, NodeBootstrap bootstrap, Clock clock) {
    this(
        store,
        provider,
        bootstrap,
        clock,
        org.openpcs.control.ScalingLog.NONE,
        java.time.Duration.ofMinutes(10),
        org.openpcs.control.EventSink.NONE);
  }

  /**
   * @param cooldown how long an instance type that failed to launch is skipped in favour of the
   *     group's other types
   * @param events where the steps people should see are reported
   */
  public StaticCapacity(
      Store store,
      ComputeProvider provider,
      NodeBootstrap bootstrap,
      Clock clock,
      org.openpcs.control.ScalingLog scaling,
      java.time.Duration cooldown,
      org.openpcs.control.EventSink events) {
    this.store = store;
    this.provider = provider;
    this.clock = clock;
    this.events = new FleetEvents(events, clock);
    this.policy = new LaunchPolicy(clock, cooldown, this.events);
    this.launches = new Launches(store, provider, bootstrap, clock, scaling, policy);
    this.orphans = new OrphanSweep(provider, clock);
    this.repair = new InstanceRepair(store, clock, launches, policy, this.events);
    this.powerUps = new PowerUpRepair(clock, launches, this.events);
  }

  /** Converges the group's static instances; returns problems to show as errorInfo. */
  public List<ErrorInfo> ensure(ComputeNodeGroup g, boolean login, ClusterRuntime runtime) {
    List<ErrorInfo> problems = new ArrayList<>();
    // Records first, then the provider: a launch records before it calls the provider, so every
    // instance a record names is in the later view unless it really is gone.
    List<NodeInstance> live = liveInstances(g);
    Map<String, Instance> seen = describe(g);
    List<String> again = repair.check(g, login, runtime, live, seen, problems);
    if (!again.isEmpty()) {
      launchDynamic(g, again, runtime);
    }
    events.launched(g, carryOut(g, login, runtime, problems), "MAINTAIN_MIN_CAPACITY");
    if (!login) {
      // One read serves the Slurm-facing checks; only the power-up watch launches after it.
      List<NodeInstance> now = liveInstances(g);
      Optional<Map<String, org.openpcs.slurm.NodeStatus>> slurmNodes =
          needsSlurmNodes(g, now) ? runtime.nodes().nodeStatuses(g.clusterId()) : Optional.empty();
      slurmNodes.ifPresent(
          nodes -> {
            LostNodes.resumeRecovered(g, runtime, nodes, now);
            LostNodes.returnToPool(g, runtime, nodes, now);
            List<String> stuck = powerUps.check(g, nodes, now);
            if (!stuck.isEmpty()) {
              launchDynamic(g, stuck, runtime);
            }
          });
    }
    List<NodeInstance> after = liveInstances(g);
    orphans.sweep(
        g,
        describe(g),
        after.stream().map(NodeInstance::bootstrapId).collect(Collectors.toSet()),
        launches.inFlight());
    // A node that bootstrapped again is healthy: forget its failures.
    after.stream()
        .filter(i -> "RUNNING".equals(i.state()))
        .forEach(i -> policy.bootstrapped(g.id(), i.nodeName()));
    problems.addAll(policy.problems(g.id(), g.spec().instanceTypes(), g.spec().purchaseOption()));
    return problems;
  }

  /**
   * Starts an instance for each dynamic node Slurm wants powered up (SCHEDULER_REQUESTED), and
   * reports them as one event. When a launch fails, the node is powered down at once so that its
   * job is requeued now rather than after slurmctld's ResumeTimeout.
   */
  public void launchDynamic(ComputeNodeGroup g, List<String> nodes, ClusterRuntime runtime) {
    launchDynamic(g, nodes, runtime, "");
  }

  /**
   * {@link #launchDynamic} for nodes slurmctld just allocated while powered down, ahead of its
   * request to power them up (D54); the event says so.
   */
  public void launchAllocated(ComputeNodeGroup g, List<String> nodes, ClusterRuntime runtime) {
    launchDynamic(g, nodes, runtime, " as slurmctld allocated them, ahead of its power-up request");
  }

  private void launchDynamic(
      ComputeNodeGroup g, List<String> nodes, ClusterRuntime runtime, String occasion) {
    // Claimed before the records are read (see Launches#claim); a node another launch holds is
    // its.
    List<String> mine = nodes.stream().filter(n -> launches.claim(g, n)).toList();
    try {
      // Read once: a burst hands over hundreds of nodes.
      Set<String> backed =
          liveInstances(g).stream().map(NodeInstance::nodeName).collect(Collectors.toSet());
      List<String> wanted = mine.stream().filter(backed::add).toList();
      Map<String, List<ErrorInfo>> failed = new java.util.concurrent.ConcurrentHashMap<>();
      List<String> launched = launches.launchAll(g, wanted, false, "SCHEDULER_REQUESTED", failed);
      for (String nodeName : wanted) {
        List<ErrorInfo> problems = failed.get(nodeName);
        if (problems != null) {
          repair.takeOut(
              g, runtime, nodeName, true, null, "launch failed: " + problems.get(0).code());
        }
      }
      events.launched(g, launched, "SCHEDULER_REQUESTED", occasion);
    } finally {
      mine.forEach(n -> launches.release(g, n));
    }
  }

  /**
   * Replaces the instance of a node whose slurmd registered too early for slurmctld (D54): it
   * started before slurmctld's request to power the node up, and slurmctld never takes such a
   * registration. A new instance's slurmd starts after the request.
   */
  public void replaceRefused(ComputeNodeGroup g, String node, ClusterRuntime runtime) {
    String why =
        "slurmd of "
            + node
            + " started before slurmctld asked for the node and was not taken; replacing its"
            + " instance";
    events.warning(g, "UNHEALTHY_NODE", why);
    terminateNodes(g, List.of(node), "UNHEALTHY_NODE", why);
    launchDynamic(g, List.of(node), runtime);
  }

  /** Slurm's node states matter to a pass only for nodes it might resume or power up. */
  private static boolean needsSlurmNodes(ComputeNodeGroup g, List<NodeInstance> live) {
    return g.spec().maxInstanceCount() > g.spec().minInstanceCount()
        || live.stream().anyMatch(i -> "RUNNING".equals(i.state()));
  }

  /** Terminates the instances of nodes Slurm suspended after their idle time; one event. */
  public void terminateIdle(ComputeNodeGroup g, List<String> nodes) {
    events.terminatedIdle(
        g, terminateNodes(g, nodes, "SCHEDULER_REQUESTED", "idle for the scale-down time"));
  }

  /** Terminates what was started for nodes slurmctld gave up resuming. */
  public void resumeFailed(ComputeNodeGroup g, List<String> nodes) {
    List<String> terminated =
        terminateNodes(g, nodes, "UNHEALTHY_NODE", "resume timed out in slurmctld");
    if (!terminated.isEmpty()) {
      events.warning(
          g,
          "UNHEALTHY_NODE",
          "slurmctld gave up resuming "
              + org.openpcs.slurm.Hostlist.compress(terminated)
              + "; terminated their instances");
    }
  }

  /**
   * Terminates the instances backing the nodes (Slurm suspended them, or gave up resuming them), as
   * many at once as launches run, and returns the nodes that had one. The group's instances are
   * read once: node by node, each reading all of the cluster's instances, a 1,000-node scale-down
   * took 66 s of about 15 terminations a second on two cores.
   */
  private List<String> terminateNodes(
      ComputeNodeGroup g, List<String> nodes, String reason, String why) {
    Map<String, List<NodeInstance>> byNode =
        liveInstances(g).stream().collect(Collectors.groupingBy(NodeInstance::nodeName));
    return BoundedParallel.succeeded(
        nodes,
        Launches.LAUNCH_PARALLELISM,
        node -> {
          List<NodeInstance> mine = byNode.getOrDefault(node, List.of());
          mine.forEach(ni -> launches.terminate(g, ni, reason, why));
          return !mine.isEmpty();
        });
  }

  /**
   * Terminates every instance of the group; returns how many are still not terminated. Jobs still
   * running on its nodes are requeued first, and their nodes kept until the jobs have left them.
   */
  public int terminateAll(ComputeNodeGroup g, ClusterRuntime runtime) {
    // A group in a queue cannot be deleted, so only a group that just left every queue can still
    // have jobs here. When Slurm does not answer the deletion goes on: the group is not in Slurm.
    Map<String, ClusterNodes.NodeJobs> jobs =
        runtime.nodes().jobsByNode(g.clusterId()).orElse(Map.of());
    int busy = 0;
    for (NodeInstance ni : liveInstances(g)) {
      var onNode = jobs.get(ni.nodeName());
      if (onNode != null) {
        busy++;
        if (!onNode.running().isEmpty()) {
          events.requeued(
              g,
              runtime
                  .nodes()
                  .requeueAndDrain(
                      g.clusterId(), ni.nodeName(), onNode.running(), "node group deleted"),
              "node group deleted");
        }
      }
    }
    if (busy > 0) {
      return busy;
    }
    for (NodeInstance ni : liveInstances(g)) {
      launches.terminate(
          g, ni, "NODE_GROUP_DELETION", "compute node group " + g.name() + " is being deleted");
    }
    // Anything else tagged as the group's goes too, at once: the group itself is going.
    List<String> rest =
        describe(g).values().stream()
            .filter(i -> !i.terminated())
            .map(Instance::instanceId)
            .toList();
    if (!rest.isEmpty()) {
      log.warn("terminating unrecorded instances of deleted group {}: {}", g.name(), rest);
      provider.terminate(rest);
    }
    return (int)
        provider.describe(Map.of(OwnershipTags.GROUP, g.id())).stream()
            .filter(i -> !i.terminated())
            .count();
  }

  /** Plans what the group as a whole needs (see {@link FleetPlanner}) and does it. */
  private List<String> carryOut(
      ComputeNodeGroup g, boolean login, ClusterRuntime runtime, List<ErrorInfo> problems) {
    List<NodeInstance> live = liveInstances(g);
    // Slurm's jobs matter only for nodes beyond the maximum (login nodes run none); reading
    // them on every pass would cost a squeue per group and pass.
    boolean beyondMax =
        live.stream()
            .anyMatch(ni -> NodeNames.anyIndexOf(g, ni.nodeName()) > g.spec().maxInstanceCount());
    Optional<Map<String, ClusterNodes.NodeJobs>> jobs =
        login || !beyondMax ? Optional.of(Map.of()) : runtime.nodes().jobsByNode(g.clusterId());
    Map<String, FleetPlanner.Node> withInstance = new java.util.HashMap<>();
    for (NodeInstance ni : live) {
      var onNode = jobs.map(j -> j.get(ni.nodeName())).orElse(null);
      withInstance.put(
          ni.nodeName(),
          new FleetPlanner.Node(
              ni.nodeName(),
              NodeNames.anyIndexOf(g, ni.nodeName()),
              onNode == null ? List.of() : onNode.running(),
              onNode != null && onNode.completing()));
    }
    Set<String> waiting =
        NodeNames.all(g).stream()
            .filter(n -> !policy.mayLaunch(g.id(), n))
            .collect(Collectors.toSet());
    FleetPlanner.Plan plan =
        FleetPlanner.plan(
            new FleetPlanner.View(
                g.spec().minInstanceCount(),
                g.spec().maxInstanceCount(),
                i -> NodeNames.name(g, i),
                withInstance,
                jobs.isPresent(),
                waiting));
    int max = g.spec().maxInstanceCount();
    plan.requeue()
        .forEach(
            (node, ids) -> {
              List<Long> requeued =
                  runtime
                      .nodes()
                      .requeueAndDrain(g.clusterId(), node, ids, "node group max lowered");
              events.requeued(g, requeued, "node group max lowered");
              live.stream()
                  .filter(ni -> ni.nodeName().equals(node))
                  .forEach(
                      ni ->
                          launches.record(
                              g,
                              ni,
                              ni.instanceId(),
                              "PENDING_REPLACEMENT",
                              "NODE_GROUP_UPDATE",
                              "beyond the group's maximum of "
                                  + max
                                  + "; requeued jobs "
                                  + requeued));
              if (requeued.size() < ids.size()) {
                problems.add(
                    new ErrorInfo(
                        "JOBS_RUNNING",
                        node
                            + " is beyond the group's maximum of "
                            + max
                            + " and goes when its jobs that may not be requeued end"));
              }
            });
    if (!plan.terminate().isEmpty()) {
      events.info(
          g,
          "NODE_GROUP_UPDATE",
          "terminated "
              + plan.terminate().size()
              + " instance(s) beyond the maximum of "
              + max
              + ": "
              + org.openpcs.slurm.Hostlist.compress(plan.terminate()));
    }
    for (String node : plan.terminate()) {
      live.stream()
          .filter(ni -> ni.nodeName().equals(node))
          .forEach(
              ni ->
                  launches.terminate(
                      g,
                      ni,
                      "REPLACEMENT_REQUESTED",
                      "node " + node + " is beyond the group's maximum of " + max));
    }
    Map<String, List<ErrorInfo>> failed = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> launched =
        launches.launchAll(g, plan.launch(), login, "MAINTAIN_MIN_CAPACITY", failed);
    plan.launch().stream().map(failed::get).filter(p -> p != null).forEach(problems::addAll);
    return launched;
  }

  /** The provider's view of the group's instances, by bootstrap id. */
  private Map<String, Instance> describe(ComputeNodeGroup g) {
    return provider.describe(Map.of(OwnershipTags.GROUP, g.id())).stream()
        .collect(
            Collectors.toMap(
                i -> i.tags().getOrDefault(OwnershipTags.BOOTSTRAP, i.instanceId()),
                i -> i,
                (a, b) -> a));
  }

  private List<NodeInstance> liveInstances(ComputeNodeGroup g) {
    return store.inTransaction(tx -> tx.nodeInstancesOf(g.clusterId())).stream()
        .filter(i -> i.nodeGroupId().equals(g.id()) && i.live())
        .toList();
  }
}
