package org.openpcs.control.slurm;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeInstance;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.openpcs.store.StaleVersionException;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node group's static nodes ({@code <group>-1 … <group>-min}) backed by running instances:
 * launches what is missing (reason MAINTAIN_MIN_CAPACITY), replaces instances that failed to
 * bootstrap or vanished, and terminates instances it owns that no node wants any more. Every launch
 * is recorded before the provider is called and carries an idempotency token and ownership tags, so
 * a launch interrupted by a crash is found again instead of duplicated.
 */
public final class StaticCapacity {
  private static final Logger log = LoggerFactory.getLogger(StaticCapacity.class);
  private final Store store;
  private final ComputeProvider provider;
  private final NodeBootstrap bootstrap;
  private final Clock clock;
  private final java.time.Instant startedAt;
  private final SecureRandom random = new SecureRandom();

  /** An instance that has not registered by then is treated as failed to bootstrap. */
  private static final java.time.Duration REGISTRATION_TIMEOUT = java.time.Duration.ofMinutes(5);

  /**
   * Agents beat every 10 s; nine missed beats mean the agent is gone even on a loaded host. Counted
   * from this server's start at the earliest, so a server that was down does not take the silence
   * it caused for lost agents.
   */
  static final java.time.Duration HEARTBEAT_TIMEOUT = java.time.Duration.ofSeconds(90);

  /**
   * Launches in flight at once per group and call. Enough to hide the provider's and the store's
   * latency; few enough that a cloud API's rate limit is not hit by one burst.
   */
  static final int LAUNCH_PARALLELISM = 16;

  private final org.openpcs.control.ScalingLog scaling;
  private final LaunchPolicy policy;
  private final FleetEvents events;

  /**
   * Bootstrap ids of the records a launch or termination of this process is working on. A pass that
   * ran meanwhile took a launch still in the provider's call for one lost in a crash and launched
   * it again, and a termination for an instance that vanished (and took its node down).
   */
  private final Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Instances no record accounts for, and since when. One look is not enough: a record marked
   * TERMINATED just after the provider was asked, or a launch between the two reads, looks the same
   * for a moment.
   */
  private final Map<String, java.time.Instant> orphanSince =
      new java.util.concurrent.ConcurrentHashMap<>();

  static final java.time.Duration ORPHAN_GRACE = java.time.Duration.ofSeconds(10);

  /** Nodes whose "becomes a login node when its jobs end" was announced (once each). */
  private final Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
    this.bootstrap = bootstrap;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.scaling = scaling;
    this.events = new FleetEvents(events, clock);
    this.policy = new LaunchPolicy(clock, cooldown, this.events);
  }

  /** Converges the group's static instances; returns problems to show as errorInfo. */
  public List<ErrorInfo> ensure(ComputeNodeGroup g, boolean login, ClusterRuntime runtime) {
    List<ErrorInfo> problems = new ArrayList<>();
    // Records first, then the provider: a launch records before it calls the provider, so every
    // instance a record names is in the later view unless it really is gone.
    List<NodeInstance> live = liveInstances(g);
    Map<String, Instance> seen = describe(g);
    for (NodeInstance ni : live) {
      if (inFlight.contains(ni.bootstrapId())) {
        // Being launched or terminated by another thread right now: the provider's view and the
        // record disagree only until that call returns.
        continue;
      }
      Instance actual = seen.get(ni.bootstrapId());
      int index = NodeNames.indexOf(g, ni.nodeName());
      if (ni.instanceId() == null && actual == null) {
        // A launch that may or may not have happened (e.g. the server died mid-call): the token
        // makes launching again safe. One that finished since the records were read is left be.
        if (current(ni).instanceId() == null) {
          relaunch(g, ni, login, problems);
        }
      } else if (actual == null || actual.terminated()) {
        if (!current(ni).live()) {
          // terminated on purpose (scale-down, replacement) since the records were read
          continue;
        }
        mark(ni, "TERMINATED", "instance " + ni.instanceId() + " is gone");
        if (!login && index > 0) {
          takeOut(
              g,
              runtime,
              ni.nodeName(),
              !NodeNames.isStatic(g, index),
              "EXTERNALLY_TERMINATED",
              "instance " + ni.instanceId() + " is gone");
        }
        record(
            g, ni, ni.instanceId(), "TERMINATED", "EXTERNALLY_TERMINATED", "the instance is gone");
      } else if (actual.interruptionPending()) {
        // Spot capacity is being reclaimed: requeue the node's jobs now, before the instance goes,
        // and replace it (static nodes below; dynamic nodes when Slurm asks again).
        record(
            g,
            ni,
            ni.instanceId(),
            "PENDING_REPLACEMENT",
            "SPOT_INTERRUPTION",
            actual.stateReason());
        events.warning(
            g,
            "SPOT_INTERRUPTION",
            "spot interruption notice for "
                + ni.instanceId()
                + " ("
                + ni.nodeName()
                + "); replacing it before it is reclaimed");
        policy.spotInterrupted(g);
        if (!login && index > 0) {
          takeOut(
              g,
              runtime,
              ni.nodeName(),
              !NodeNames.isStatic(g, index),
              null,
              "spot interruption notice");
        }
        terminate(
            g,
            ni,
            "SPOT_INTERRUPTION",
            "spot interruption notice; replaced before the instance is reclaimed");
      } else if (heartbeatLost(ni)) {
        // The instance is there but its agent went silent (hung, cut off): the node cannot be
        // trusted with jobs. Same handling as a lost instance.
        String why =
            "heartbeat lost: none since "
                + ni.lastHeartbeatAt().truncatedTo(ChronoUnit.SECONDS)
                + " ("
                + HEARTBEAT_TIMEOUT.toSeconds()
                + " s allowed)";
        problems.add(new ErrorInfo("UNHEALTHY_NODE", ni.nodeName() + ": " + why));
        terminate(g, ni, "UNHEALTHY_NODE", why);
        if (!login && index > 0) {
          takeOut(g, runtime, ni.nodeName(), !NodeNames.isStatic(g, index), "UNHEALTHY_NODE", why);
        }
      } else if (!login
          && "RUNNING".equals(ni.state())
          && ni.message() != null
          && ni.message().contains("is not running")) {
        // The instance lives but its slurmd (or munged) died: the node is lost. Its jobs are
        // requeued now, and a static node gets a new instance below.
        problems.add(new ErrorInfo("UNHEALTHY_NODE", ni.nodeName() + ": " + ni.message()));
        terminate(g, ni, "UNHEALTHY_NODE", ni.message());
        takeOut(
            g,
            runtime,
            ni.nodeName(),
            index > 0 && !NodeNames.isStatic(g, index),
            "UNHEALTHY_NODE",
            "node lost: " + ni.message());
      } else if ("BOOTSTRAP_FAILED".equals(ni.state()) && registrationReplyLost(ni)) {
        // We registered this instance, but its agent never got the answer (the server died or
        // was too slow in between) and its retry was refused: our fault, not the node's. Replace
        // it at once and leave the node powering up in Slurm, so that its job is not requeued.
        terminate(g, ni, "BOOTSTRAP_FAILED", "the registration reply was lost; replacing");
        events.info(
            g,
            "BOOTSTRAP_FAILED",
            ni.nodeName()
                + ": the registration reply was lost (server restart?); replaced at once");
        if (!login && index > 0 && !NodeNames.isStatic(g, index)) {
          launchDynamic(g, List.of(ni.nodeName()), runtime);
        }
      } else if ("BOOTSTRAP_FAILED".equals(ni.state())) {
        policy.bootstrapFailed(
            g,
            ni.nodeName(),
            new ErrorInfo("BOOTSTRAP_FAILED", ni.nodeName() + ": " + ni.message()));
        terminate(g, ni, "BOOTSTRAP_FAILED", "bootstrap failed; replacing");
        if (!login && index > 0 && !NodeNames.isStatic(g, index)) {
          // A dynamic node goes back to the powered-down pool now: Slurm requeues its job and asks
          // again, instead of waiting out ResumeTimeout.
          takeOut(g, runtime, ni.nodeName(), true, null, "bootstrap failed: " + ni.message());
        }
      } else if (ni.registeredAt() == null
          && ni.instanceId() != null
          && ni.createdAt().plus(REGISTRATION_TIMEOUT).isBefore(clock.instant())) {
        policy.bootstrapFailed(
            g,
            ni.nodeName(),
            new ErrorInfo("BOOTSTRAP_FAILED", ni.nodeName() + ": the instance never registered"));
        terminate(
            g,
            ni,
            "BOOTSTRAP_FAILED",
            "never registered within " + REGISTRATION_TIMEOUT.toMinutes() + " min");
        if (!login && index > 0) {
          takeOut(
              g,
              runtime,
              ni.nodeName(),
              !NodeNames.isStatic(g, index),
              null,
              "instance never registered");
        }
      } else if (!OwnershipTags.role(login).equals(actual.tags().get(OwnershipTags.ROLE))
          && login
          && !jobsDone(g, ni.nodeName(), runtime)) {
        // The group left every queue while jobs run on this node: they finish first (the node is
        // drained, so nothing new starts), then the node becomes a login node.
        runtime.drain(
            g.clusterId(),
            ni.nodeName(),
            "node group left every queue; becomes a login node when its jobs end");
        String note =
            ni.nodeName() + " becomes a login node when its jobs end (the group left every queue)";
        problems.add(new ErrorInfo("JOBS_RUNNING", note));
        if (announced.add(ni.bootstrapId())) {
          events.info(g, "JOBS_RUNNING", note);
        }
      } else if (!OwnershipTags.role(login).equals(actual.tags().get(OwnershipTags.ROLE))) {
        terminate(
            g,
            ni,
            "REPLACEMENT_REQUESTED",
            "node "
                + ni.nodeName()
                + " becomes a "
                + OwnershipTags.role(login)
                + " node (queues changed); replacing");
      } else if (index < 0
          && NodeNames.anyIndexOf(g, ni.nodeName()) > g.spec().maxInstanceCount()) {
        // Beyond a lowered maximum: the planner below gives it up, requeueing its jobs first.
      } else if (index < 0) {
        terminate(
            g,
            ni,
            "REPLACEMENT_REQUESTED",
            "node " + ni.nodeName() + " no longer exists in " + g.name());
      } else if (ni.instanceId() == null) {
        store.inTransaction(tx -> tx.updateNodeInstance(ni.withInstanceId(actual.instanceId())));
      }
    }
    events.launched(g, carryOut(g, login, runtime, problems), "MAINTAIN_MIN_CAPACITY");
    if (!login) {
      resumeRecovered(g, runtime);
    }
    sweepOrphans(g, describe(g));
    // A node that bootstrapped again is healthy: forget its failures.
    liveInstances(g).stream()
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
    // Read once: a burst hands over hundreds of nodes, and only this method adds dynamic nodes.
    Set<String> backed =
        liveInstances(g).stream().map(NodeInstance::nodeName).collect(Collectors.toSet());
    List<String> wanted = nodes.stream().filter(backed::add).toList();
    Map<String, List<ErrorInfo>> failed = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> launched = launchAll(g, wanted, false, "SCHEDULER_REQUESTED", failed);
    for (String nodeName : wanted) {
      List<ErrorInfo> problems = failed.get(nodeName);
      if (problems != null) {
        takeOut(g, runtime, nodeName, true, null, "launch failed: " + problems.get(0).code());
      }
    }
    events.launched(g, launched, "SCHEDULER_REQUESTED");
  }

  /**
   * Launches an instance for each node, {@link #LAUNCH_PARALLELISM} at a time, and returns the
   * nodes that got one, in the given order. A node that got none has its problems in {@code
   * failed}. A launch is a provider call plus two store writes; one after the other they made a
   * 256-node burst wait over a minute for its last instance.
   */
  private List<String> launchAll(
      ComputeNodeGroup g,
      List<String> nodes,
      boolean login,
      String reason,
      Map<String, List<ErrorInfo>> failed) {
    return BoundedParallel.succeeded(
        nodes,
        LAUNCH_PARALLELISM,
        node -> {
          List<ErrorInfo> problems = new ArrayList<>();
          boolean ok = launch(g, node, login, problems, reason);
          if (!ok) {
            failed.put(node, problems);
          }
          return ok;
        });
  }

  /** Terminates the instances of nodes Slurm suspended after their idle time; one event. */
  public void terminateIdle(ComputeNodeGroup g, List<String> nodes) {
    List<String> terminated =
        nodes.stream()
            .filter(n -> terminateNode(g, n, "SCHEDULER_REQUESTED", "idle for the scale-down time"))
            .toList();
    events.terminatedIdle(g, terminated);
  }

  /** Terminates what was started for nodes slurmctld gave up resuming. */
  public void resumeFailed(ComputeNodeGroup g, List<String> nodes) {
    List<String> terminated =
        nodes.stream()
            .filter(n -> terminateNode(g, n, "UNHEALTHY_NODE", "resume timed out in slurmctld"))
            .toList();
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
   * Terminates the instance(s) backing one node (Slurm suspended it, or gave up resuming it).
   * Returns whether there was one.
   */
  public boolean terminateNode(ComputeNodeGroup g, String nodeName, String reason, String why) {
    boolean any = false;
    for (NodeInstance ni : liveInstances(g)) {
      if (ni.nodeName().equals(nodeName)) {
        terminate(g, ni, reason, why);
        any = true;
      }
    }
    return any;
  }

  /**
   * Takes a node out of service (see {@link ClusterRuntime#failNode}) and reports the jobs Slurm
   * requeued because of it.
   *
   * @param replacedReason when not null, also reports that the node is replaced (static) or powered
   *     down (dynamic), with this reason word
   */
  private void takeOut(
      ComputeNodeGroup g,
      ClusterRuntime runtime,
      String node,
      boolean dynamic,
      String replacedReason,
      String why) {
    List<Long> jobs = runtime.failNode(g.clusterId(), node, dynamic, "openpcs: " + why);
    if (replacedReason != null) {
      events.warning(
          g, replacedReason, "node " + node + (dynamic ? " powered down: " : " replaced: ") + why);
    }
    events.requeued(g, jobs, "node " + node + ": " + why);
  }

  /**
   * Terminates every instance of the group; returns how many are still not terminated. Jobs still
   * running on its nodes are requeued first, and their nodes kept until the jobs have left them.
   */
  public int terminateAll(ComputeNodeGroup g, ClusterRuntime runtime) {
    // A group in a queue cannot be deleted, so only a group that just left every queue can still
    // have jobs here. When Slurm does not answer the deletion goes on: the group is not in Slurm.
    Map<String, ClusterRuntime.NodeJobs> jobs = runtime.jobsByNode(g.clusterId()).orElse(Map.of());
    int busy = 0;
    for (NodeInstance ni : liveInstances(g)) {
      var onNode = jobs.get(ni.nodeName());
      if (onNode != null) {
        busy++;
        if (!onNode.running().isEmpty()) {
          events.requeued(
              g,
              runtime.requeueAndDrain(
                  g.clusterId(), ni.nodeName(), onNode.running(), "node group deleted"),
              "node group deleted");
        }
      }
    }
    if (busy > 0) {
      return busy;
    }
    for (NodeInstance ni : liveInstances(g)) {
      terminate(
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
    Optional<Map<String, ClusterRuntime.NodeJobs>> jobs =
        login || !beyondMax ? Optional.of(Map.of()) : runtime.jobsByNode(g.clusterId());
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
                  runtime.requeueAndDrain(g.clusterId(), node, ids, "node group max lowered");
              events.requeued(g, requeued, "node group max lowered");
              live.stream()
                  .filter(ni -> ni.nodeName().equals(node))
                  .forEach(
                      ni ->
                          record(
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
                  terminate(
                      g,
                      ni,
                      "REPLACEMENT_REQUESTED",
                      "node " + node + " is beyond the group's maximum of " + max));
    }
    Map<String, List<ErrorInfo>> failed = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> launched = launchAll(g, plan.launch(), login, "MAINTAIN_MIN_CAPACITY", failed);
    plan.launch().stream().map(failed::get).filter(p -> p != null).forEach(problems::addAll);
    return launched;
  }

  private static boolean registrationReplyLost(NodeInstance ni) {
    return ni.registeredAt() != null
        && ni.message() != null
        && ni.message().startsWith("registration refused");
  }

  /** No job runs or completes on the node; false when Slurm cannot tell (fail closed). */
  private static boolean jobsDone(ComputeNodeGroup g, String node, ClusterRuntime runtime) {
    return runtime.jobsByNode(g.clusterId()).map(j -> !j.containsKey(node)).orElse(false);
  }

  /** A node OpenPCS took out of service comes back once a new instance of it runs. */
  private void resumeRecovered(ComputeNodeGroup g, ClusterRuntime runtime) {
    var running =
        liveInstances(g).stream()
            .filter(i -> "RUNNING".equals(i.state()))
            // a node beyond a lowered maximum was drained on purpose
            .filter(i -> NodeNames.indexOf(g, i.nodeName()) > 0)
            .map(NodeInstance::nodeName)
            .toList();
    if (running.isEmpty()) {
      return;
    }
    runtime
        .nodeStatuses(g.clusterId())
        .ifPresent(
            nodes ->
                running.forEach(
                    name -> {
                      var n = nodes.get(name);
                      if (n != null
                          && n.reason() != null
                          && n.reason().startsWith("openpcs:")
                          && (n.baseState().equals("DOWN") || n.has("DRAIN"))) {
                        runtime.resumeNodeIfOurs(g.clusterId(), name);
                      }
                    }));
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

  /**
   * Launches an instance for a node, trying the group's instance types in their order and skipping
   * types that are cooling down after a failed launch; a type that fails now cools down and the
   * next one is tried at once. Adds a problem only when no type could be launched.
   *
   * @return whether an instance was launched
   */
  private boolean launch(
      ComputeNodeGroup g, String nodeName, boolean login, List<ErrorInfo> problems, String reason) {
    List<String> types = policy.usableTypes(g.spec().instanceTypes());
    if (types.isEmpty()) {
      problems.add(
          new ErrorInfo(
              "INSUFFICIENT_CAPACITY",
              nodeName
                  + ": every instance type of "
                  + g.name()
                  + " is cooling down after failed launches: "
                  + policy.coolingSummary()));
      return false;
    }
    List<ErrorInfo> failures = new ArrayList<>();
    for (String type : types) {
      String bootstrapId = "bs-" + HexFormat.of().formatHex(randomBytes(16));
      NodeInstance ni =
          new NodeInstance(
              bootstrapId,
              g.clusterId(),
              g.id(),
              nodeName,
              null,
              type,
              bootstrapId,
              "LAUNCHING",
              reason,
              clock.instant().truncatedTo(ChronoUnit.MICROS),
              null,
              null,
              0);
      List<ErrorInfo> attempt = new ArrayList<>();
      inFlight.add(bootstrapId);
      try {
        store.inTransaction(
            tx -> {
              tx.insertNodeInstance(ni);
              return null;
            });
        relaunch(g, ni, login, attempt);
      } finally {
        inFlight.remove(bootstrapId);
      }
      if (attempt.isEmpty()) {
        return true;
      }
      failures.addAll(attempt);
      policy.launchFailed(g, type, nodeName, attempt.get(0).code());
    }
    problems.addAll(failures);
    return false;
  }

  private void relaunch(
      ComputeNodeGroup g, NodeInstance ni, boolean login, List<ErrorInfo> problems) {
    var s = g.spec();
    LaunchRequest request =
        new LaunchRequest(
            ni.launchToken(),
            ni.instanceType(),
            policy.purchaseOption(g.id(), g.spec().purchaseOption()),
            s.customLaunchTemplate().id(),
            s.customLaunchTemplate().version(),
            s.amiId(),
            OwnershipTags.of(g, ni.nodeName(), ni.bootstrapId(), login),
            new Bootstrap(
                bootstrap.endpoint().get(),
                bootstrap.region(),
                bootstrap.accessKeyId(),
                bootstrap.secretAccessKey(),
                g.clusterId(),
                ni.bootstrapId(),
                login));
    try {
      Instance launched = provider.launch(request);
      log.info(
          "launched {} ({}) for node {} of {}",
          launched.instanceId(),
          ni.instanceType(),
          ni.nodeName(),
          g.name());
      // Recorded first: the agent may register before the id is stored (a stale write below),
      // and the launch has happened whatever the store says.
      record(g, ni, launched.instanceId(), "LAUNCHED", ni.message(), null);
      update(ni, current -> current.withInstanceId(launched.instanceId()));
    } catch (LaunchException e) {
      log.warn(
          "launch for node {} of {} failed: {} {}",
          ni.nodeName(),
          g.name(),
          e.reason(),
          e.getMessage());
      problems.add(new ErrorInfo(e.reason(), ni.nodeName() + ": " + e.getMessage()));
      mark(ni, "TERMINATED", "LAUNCH_FAILED " + e.reason() + ": " + e.getMessage());
      record(g, ni, null, "LAUNCH_FAILED", e.reason(), e.getMessage());
    }
  }

  private void terminate(ComputeNodeGroup g, NodeInstance ni, String reason, String why) {
    inFlight.add(ni.bootstrapId());
    try {
      if (ni.instanceId() != null) {
        provider.terminate(List.of(ni.instanceId()));
      }
      mark(ni, "TERMINATED", why);
    } finally {
      inFlight.remove(ni.bootstrapId());
    }
    record(g, ni, ni.instanceId(), "TERMINATED", reason, why);
    log.info("terminated {} (node {}): {}", ni.instanceId(), ni.nodeName(), why);
  }

  private void record(
      ComputeNodeGroup g,
      NodeInstance ni,
      String instanceId,
      String state,
      String reason,
      String message) {
    scaling.record(
        new org.openpcs.control.ScalingLog.Entry(
            clock.instant(),
            g.clusterId(),
            g.id(),
            g.name(),
            ni.nodeName(),
            instanceId,
            ni.instanceType(),
            state,
            reason,
            message));
  }

  /** Instances tagged as this group's that no live record accounts for. */
  private void sweepOrphans(ComputeNodeGroup g, Map<String, Instance> seen) {
    Set<String> known =
        liveInstances(g).stream().map(NodeInstance::bootstrapId).collect(Collectors.toSet());
    List<String> candidates =
        seen.entrySet().stream()
            .filter(e -> !e.getValue().terminated() && !known.contains(e.getKey()))
            .filter(e -> !inFlight.contains(e.getKey()))
            .map(e -> e.getValue().instanceId())
            .toList();
    java.time.Instant now = clock.instant();
    List<String> orphans = new ArrayList<>();
    for (String id : candidates) {
      java.time.Instant since = orphanSince.putIfAbsent(id, now);
      if (since != null && !since.plus(ORPHAN_GRACE).isAfter(now)) {
        orphans.add(id);
      }
    }
    // Forget candidates of this group that turned out fine (their record caught up).
    seen.values().stream()
        .map(Instance::instanceId)
        .filter(id -> !candidates.contains(id))
        .forEach(orphanSince::remove);
    if (!orphans.isEmpty()) {
      log.warn("terminating orphaned instances of {}: {}", g.name(), orphans);
      provider.terminate(orphans);
      orphans.forEach(orphanSince::remove);
    }
  }

  private void mark(NodeInstance ni, String state, String message) {
    update(ni, current -> current.with(state, message));
  }

  /** Applies a change to the newest version of the record, again when a heartbeat raced us. */
  private void update(NodeInstance ni, java.util.function.UnaryOperator<NodeInstance> change) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        // Read in the same transaction: a nested one would hold a second pooled connection, and
        // parallel launches then starve the pool.
        store.inTransaction(
            tx ->
                tx.updateNodeInstance(
                    change.apply(tx.findNodeInstance(ni.bootstrapId()).orElse(ni))));
        return;
      } catch (StaleVersionException e) {
        // re-read and apply again
      }
    }
  }

  /** A registered, running instance whose agent has not been heard from in too long. */
  private boolean heartbeatLost(NodeInstance ni) {
    if (!"RUNNING".equals(ni.state()) || ni.lastHeartbeatAt() == null) {
      return false;
    }
    java.time.Instant last =
        ni.lastHeartbeatAt().isAfter(startedAt) ? ni.lastHeartbeatAt() : startedAt;
    return last.plus(HEARTBEAT_TIMEOUT).isBefore(clock.instant());
  }

  private NodeInstance current(NodeInstance ni) {
    return store.inTransaction(tx -> tx.findNodeInstance(ni.bootstrapId())).orElse(ni);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
