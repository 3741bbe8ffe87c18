package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeInstance;
import org.openpcs.provider.Instance;
import org.openpcs.store.Store;

/**
 * Looks at each live instance of a group against the provider's view and its agent's reports, and
 * repairs what went wrong with it: a launch lost in a crash is made again (same token), an instance
 * that vanished, is about to be reclaimed (spot), went silent, lost its slurmd, failed to bootstrap
 * or never registered is terminated and its node taken out of service (its jobs requeued at once),
 * an instance whose role or node no longer exists is replaced.
 */
final class InstanceRepair {
  /** An instance that has not registered by then is treated as failed to bootstrap. */
  private static final Duration REGISTRATION_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Agents beat every 10 s; nine missed beats mean the agent is gone even on a loaded host. Counted
   * from this server's start at the earliest, so a server that was down does not take the silence
   * it caused for lost agents.
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(90);

  private final Store store;
  private final Clock clock;
  private final Instant startedAt;
  private final Launches launches;
  private final LaunchPolicy policy;
  private final FleetEvents events;

  /** Nodes whose "becomes a login node when its jobs end" was announced (once each). */
  private final Set<String> announced = ConcurrentHashMap.newKeySet();

  InstanceRepair(
      Store store, Clock clock, Launches launches, LaunchPolicy policy, FleetEvents events) {
    this.store = store;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.launches = launches;
    this.policy = policy;
    this.events = events;
  }

  /**
   * Checks every live record of the group once.
   *
   * @param live the group's live records, read before {@code seen}
   * @param seen the provider's view of the group's instances, by bootstrap id
   * @return dynamic nodes to launch again at once (Slurm keeps them powering up)
   */
  List<String> check(
      ComputeNodeGroup g,
      boolean login,
      ClusterRuntime runtime,
      List<NodeInstance> live,
      Map<String, Instance> seen,
      List<ErrorInfo> problems) {
    List<String> again = new ArrayList<>();
    for (NodeInstance ni : live) {
      if (launches.inFlight(ni.bootstrapId())) {
        // Being launched or terminated by another thread right now: the provider's view and the
        // record disagree only until that call returns.
        continue;
      }
      Instance actual = seen.get(ni.bootstrapId());
      int index = NodeNames.indexOf(g, ni.nodeName());
      if (ni.instanceId() == null && actual == null) {
        // A launch that may or may not have happened (e.g. the server died mid-call): the token
        // makes launching again safe. One that finished since the records were read is left be.
        if (launches.current(ni).instanceId() == null) {
          launches.relaunch(g, ni, login, problems);
        }
      } else if (actual == null || actual.terminated()) {
        if (!launches.current(ni).live()) {
          // terminated on purpose (scale-down, replacement) since the records were read
          continue;
        }
        launches.mark(ni, "TERMINATED", "instance " + ni.instanceId() + " is gone");
        takeOutComputeNode(
            g,
            login,
            runtime,
            ni,
            index,
            "EXTERNALLY_TERMINATED",
            "instance " + ni.instanceId() + " is gone");
        launches.record(
            g, ni, ni.instanceId(), "TERMINATED", "EXTERNALLY_TERMINATED", "the instance is gone");
      } else if (actual.interruptionPending()) {
        // Spot capacity is being reclaimed: requeue the node's jobs now, before the instance goes,
        // and replace it (static nodes below; dynamic nodes when Slurm asks again).
        launches.record(
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
        takeOutComputeNode(g, login, runtime, ni, index, null, "spot interruption notice");
        launches.terminate(
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
        launches.terminate(g, ni, "UNHEALTHY_NODE", why);
        takeOutComputeNode(g, login, runtime, ni, index, "UNHEALTHY_NODE", why);
      } else if (!login
          && "RUNNING".equals(ni.state())
          && ni.message() != null
          && ni.message().contains("is not running")) {
        // The instance lives but its slurmd (or munged) died: the node is lost. Its jobs are
        // requeued now, and a static node gets a new instance below.
        problems.add(new ErrorInfo("UNHEALTHY_NODE", ni.nodeName() + ": " + ni.message()));
        launches.terminate(g, ni, "UNHEALTHY_NODE", ni.message());
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
        launches.terminate(g, ni, "BOOTSTRAP_FAILED", "the registration reply was lost; replacing");
        events.info(
            g,
            "BOOTSTRAP_FAILED",
            ni.nodeName()
                + ": the registration reply was lost (server restart?); replaced at once");
        if (!login && index > 0 && !NodeNames.isStatic(g, index)) {
          again.add(ni.nodeName());
        }
      } else if ("BOOTSTRAP_FAILED".equals(ni.state())) {
        policy.bootstrapFailed(
            g,
            ni.nodeName(),
            new ErrorInfo("BOOTSTRAP_FAILED", ni.nodeName() + ": " + ni.message()));
        launches.terminate(g, ni, "BOOTSTRAP_FAILED", "bootstrap failed; replacing");
        if (!login && index > 0 && !NodeNames.isStatic(g, index)) {
          // A dynamic node is taken out now: Slurm requeues its job at once instead of waiting out
          // ResumeTimeout, and the node returns to the powered-down pool soon after (D33).
          takeOut(g, runtime, ni.nodeName(), true, null, "bootstrap failed: " + ni.message());
        }
      } else if (ni.registeredAt() == null
          && ni.instanceId() != null
          && ni.createdAt().plus(REGISTRATION_TIMEOUT).isBefore(clock.instant())) {
        policy.bootstrapFailed(
            g,
            ni.nodeName(),
            new ErrorInfo("BOOTSTRAP_FAILED", ni.nodeName() + ": the instance never registered"));
        launches.terminate(
            g,
            ni,
            "BOOTSTRAP_FAILED",
            "never registered within " + REGISTRATION_TIMEOUT.toMinutes() + " min");
        takeOutComputeNode(g, login, runtime, ni, index, null, "instance never registered");
      } else if (!OwnershipTags.role(login).equals(actual.tags().get(OwnershipTags.ROLE))
          && login
          && !jobsDone(g, ni.nodeName(), runtime)) {
        // The group left every queue while jobs run on this node: they finish first (the node is
        // drained, so nothing new starts), then the node becomes a login node.
        runtime
            .nodes()
            .drain(
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
        launches.terminate(
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
        launches.terminate(
            g,
            ni,
            "REPLACEMENT_REQUESTED",
            "node " + ni.nodeName() + " no longer exists in " + g.name());
      } else if (ni.instanceId() == null) {
        store.inTransaction(tx -> tx.updateNodeInstance(ni.withInstanceId(actual.instanceId())));
      }
    }
    return again;
  }

  /**
   * Takes a node out of service (see {@link ClusterNodes#failNode}) and reports the jobs Slurm
   * requeued because of it.
   *
   * @param replacedReason when not null, also reports that the node is replaced (static) or powered
   *     down (dynamic), with this reason word
   */
  void takeOut(
      ComputeNodeGroup g,
      ClusterRuntime runtime,
      String node,
      boolean dynamic,
      String replacedReason,
      String why) {
    List<Long> jobs = runtime.nodes().failNode(g.clusterId(), node, dynamic, "openpcs: " + why);
    if (replacedReason != null) {
      events.warning(
          g, replacedReason, "node " + node + (dynamic ? " powered down: " : " replaced: ") + why);
    }
    events.requeued(g, jobs, "node " + node + ": " + why);
  }

  private static boolean registrationReplyLost(NodeInstance ni) {
    return ni.registeredAt() != null
        && ni.message() != null
        && ni.message().startsWith("registration refused");
  }

  /** {@link #takeOut} for a compute node of the group (login nodes run no jobs). */
  private void takeOutComputeNode(
      ComputeNodeGroup g,
      boolean login,
      ClusterRuntime runtime,
      NodeInstance ni,
      int index,
      String replacedReason,
      String why) {
    if (!login && index > 0) {
      takeOut(g, runtime, ni.nodeName(), !NodeNames.isStatic(g, index), replacedReason, why);
    }
  }

  /** No job runs or completes on the node; false when Slurm cannot tell (fail closed). */
  private static boolean jobsDone(ComputeNodeGroup g, String node, ClusterRuntime runtime) {
    return runtime.nodes().jobsByNode(g.clusterId()).map(j -> !j.containsKey(node)).orElse(false);
  }

  /** A registered, running instance whose agent has not been heard from in too long. */
  private boolean heartbeatLost(NodeInstance ni) {
    if (!"RUNNING".equals(ni.state()) || ni.lastHeartbeatAt() == null) {
      return false;
    }
    Instant last = ni.lastHeartbeatAt().isAfter(startedAt) ? ni.lastHeartbeatAt() : startedAt;
    return last.plus(HEARTBEAT_TIMEOUT).isBefore(clock.instant());
  }
}
