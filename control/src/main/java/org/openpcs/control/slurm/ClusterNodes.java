package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.slurm.Scontrol;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane does to a cluster's Slurm nodes and the jobs on them: takes lost nodes out
 * of service and brings them back (D33), drains nodes that are going, reads node and job states.
 * Every call goes through {@code scontrol}; one that finds the controller not answering does
 * nothing (or returns empty), so that callers fail closed.
 */
public final class ClusterNodes {
  private static final Logger log = LoggerFactory.getLogger(ClusterNodes.class);

  private final Optional<SlurmInstallation> slurm;
  private final Function<String, ClusterPaths> paths;
  private final Function<String, Duration> killWindow;
  private final Duration suspendTimeout;
  private final LostNodeHolds holds;
  private final PowerDowns powerDowns;

  /**
   * Per cluster: taking a node out of service, an idle release and the end of a power-down never
   * interleave.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Object> locks =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param killWindow how long after a node's loss slurmctld may still deliver a kill there
   * @param suspendTimeout how long a powering-down node cannot be resumed
   */
  ClusterNodes(
      Optional<SlurmInstallation> slurm,
      Function<String, ClusterPaths> paths,
      Function<String, Duration> killWindow,
      Duration suspendTimeout,
      Clock clock) {
    this.slurm = slurm;
    this.paths = paths;
    this.killWindow = killWindow;
    this.suspendTimeout = suspendTimeout;
    this.holds = new LostNodeHolds(clock);
    this.powerDowns = new PowerDowns(slurm, paths, killWindow, holds, clock, this::lock);
  }

  /**
   * How long until the next lost node of the cluster may be released (plus a moment, so that a pass
   * then finds it over), or empty when none is held.
   */
  public Optional<Duration> untilNextRelease(String clusterId) {
    return holds.untilNextEnd(clusterId, killWindow.apply(clusterId)).map(d -> d.plusMillis(200));
  }

  /**
   * Takes a node whose instance was lost out of service with an {@code openpcs:} reason: DOWN, so
   * that Slurm requeues its jobs (their requeue hold, about two minutes in 22.05, is lifted at
   * once, since the cause is known and handled). A static node is drained as well, so that its
   * replacement, which Slurm returns to service when it registers, gets no job before the kill of
   * the old ones can no longer reach it ({@link #resumeNodeIfOurs}); a dynamic node is powered down
   * at once where SuspendTimeout outlasts that time, else it stays DOWN until then and goes back to
   * the powered-down pool ({@link #returnToPool}) (D33). An administrator's drain and its reason
   * are kept. Does nothing when the controller does not answer.
   *
   * @return the jobs that were on the node (Slurm requeues them unless they may not be requeued)
   */
  public List<Long> failNode(String clusterId, String node, boolean dynamic, String reason) {
    if (slurm.isEmpty()) {
      return List.of();
    }
    synchronized (lock(clusterId)) {
      return failNodeLocked(clusterId, node, dynamic, reason);
    }
  }

  private List<Long> failNodeLocked(String clusterId, String node, boolean dynamic, String reason) {
    var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
    try {
      List<Long> jobs =
          scontrol.jobs().stream()
              .filter(
                  j ->
                      !j.finished()
                          && j.nodes() != null
                          && Hostlist.expand(j.nodes()).contains(node))
              .map(JobStatus::id)
              .toList();
      Duration window = killWindow.apply(clusterId);
      // Recorded first: a pass that sees the node DOWN before this returns must find it held.
      holds.started(clusterId, node, window);
      // An administrator's drain stays, with its reason, so that OpenPCS never resumes the node.
      Optional<String> adminDrain =
          scontrol.nodes().stream()
              .filter(n -> n.name().equals(node) && n.has("DRAIN"))
              .map(NodeStatus::reason)
              .filter(r -> !r.isBlank() && !r.startsWith("openpcs:"))
              .findFirst();
      // The reason may quote daemon output; a reason scontrol refuses would leave the node up.
      String why = Scontrol.reason(adminDrain.orElse(reason));
      if (dynamic && suspendTimeout.compareTo(window) >= 0) {
        // Powering down outlasts the kill: the node cannot be resumed before it is over.
        scontrol.updateNode(node, "POWER_DOWN_FORCE", why);
      } else {
        if (!dynamic && adminDrain.isEmpty()) {
          // Drained first: DOWN keeps the flag, and no registration can come in between.
          scontrol.updateNode(node, "DRAIN", why);
        }
        scontrol.updateNode(node, "DOWN", why);
      }
      releaseRequeueHoldLater(clusterId, jobs);
      log.warn(
          "cluster {}: node {} taken out of service ({}); jobs requeued: {}",
          clusterId,
          node,
          reason,
          jobs);
      return jobs;
    } catch (RuntimeException e) {
      log.warn("cluster {}: could not take {} out of service: {}", clusterId, node, e.getMessage());
      return List.of();
    }
  }

  /** Slurm's view of the cluster's nodes by name; empty when the controller does not answer. */
  public Optional<Map<String, NodeStatus>> nodeStatuses(String clusterId) {
    return read(clusterId, Scontrol::nodes);
  }

  /** Slurm's view of the named nodes only; empty when the controller does not answer. */
  public Optional<Map<String, NodeStatus>> nodeStatuses(String clusterId, List<String> nodes) {
    return read(clusterId, sc -> sc.nodes(Hostlist.compress(nodes)));
  }

  private Optional<Map<String, NodeStatus>> read(
      String clusterId, Function<Scontrol, List<NodeStatus>> query) {
    return slurm.flatMap(
        s -> {
          try {
            return Optional.of(byName(query.apply(new Scontrol(s, paths.apply(clusterId)))));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  /**
   * The cluster's slurmctld was started for the first time, with no saved state: its nodes are not
   * held for losses from before this server's start (D33's restart rule, which would otherwise also
   * keep D35 from ending power-downs in the cluster's first seconds).
   */
  public void clusterBorn(String clusterId) {
    holds.born(clusterId);
  }

  /** The cluster and its files were removed. */
  public void clusterGone(String clusterId) {
    holds.forget(clusterId);
  }

  /** The control plane's own power-down requests, under this class's per-cluster lock. */
  public PowerDowns powerDowns() {
    return powerDowns;
  }

  static Map<String, NodeStatus> byName(List<NodeStatus> nodes) {
    Map<String, NodeStatus> byName = new java.util.HashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    return byName;
  }

  private Object lock(String clusterId) {
    return locks.computeIfAbsent(clusterId, k -> new Object());
  }

  /**
   * Brings back a node OpenPCS itself set DOWN or drained (never a node an administrator drained),
   * but not while a kill from its last loss may still reach it (D33).
   */
  public void resumeNodeIfOurs(String clusterId, String node) {
    if (slurm.isEmpty() || !holds.over(clusterId, node, killWindow.apply(clusterId))) {
      return;
    }
    try {
      var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
      scontrol.nodes().stream()
          .filter(n -> n.name().equals(node) && n.reason().startsWith("openpcs:"))
          .filter(n -> n.baseState().equals("DOWN") || n.has("DRAIN"))
          .findFirst()
          .ifPresent(n -> scontrol.updateNode(node, "RESUME", null));
    } catch (RuntimeException e) {
      log.debug("cluster {}: could not resume {}: {}", clusterId, node, e.getMessage());
    }
  }

  /**
   * Returns a lost dynamic node that OpenPCS set DOWN to the powered-down pool (POWER_DOWN_FORCE,
   * same reason) once no kill from its loss can reach a new instance of it (D33).
   */
  public void returnToPool(String clusterId, String node, String reason) {
    if (slurm.isEmpty() || !holds.over(clusterId, node, killWindow.apply(clusterId))) {
      return;
    }
    try {
      new Scontrol(slurm.get(), paths.apply(clusterId))
          .updateNode(node, "POWER_DOWN_FORCE", Scontrol.reason(reason));
      log.info("cluster {}: lost node {} back to the powered-down pool", clusterId, node);
    } catch (RuntimeException e) {
      log.debug("cluster {}: could not power down {}: {}", clusterId, node, e.getMessage());
    }
  }

  /** What runs on one node, as far as giving it up is concerned. */
  public record NodeJobs(List<Long> running, boolean completing) {}

  /**
   * The jobs on each node that has any (running, configuring, suspended, or completing); empty when
   * the controller does not answer, so that callers can fail closed.
   */
  public Optional<Map<String, NodeJobs>> jobsByNode(String clusterId) {
    return slurm.flatMap(
        s -> {
          try {
            return Optional.of(jobsByNode(new Scontrol(s, paths.apply(clusterId)).jobs()));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  static Map<String, NodeJobs> jobsByNode(List<JobStatus> jobs) {
    Map<String, List<Long>> running = new java.util.HashMap<>();
    Set<String> completing = new java.util.HashSet<>();
    for (var j : jobs) {
      if (j.finished()
          || "PENDING".equals(j.state())
          || j.nodes() == null
          || j.nodes().isBlank()
          || j.nodes().startsWith("(")) {
        continue;
      }
      for (String node : Hostlist.expand(j.nodes())) {
        if ("COMPLETING".equals(j.state())) {
          completing.add(node);
        } else {
          running.computeIfAbsent(node, k -> new ArrayList<>()).add(j.id());
        }
      }
    }
    Map<String, NodeJobs> out = new java.util.HashMap<>();
    running.forEach((n, ids) -> out.put(n, new NodeJobs(List.copyOf(ids), completing.contains(n))));
    completing.forEach(n -> out.putIfAbsent(n, new NodeJobs(List.of(), true)));
    return out;
  }

  /**
   * Takes a node out of use because the user asked for it to go (lower maximum, group deleted):
   * drains it with an {@code openpcs:} reason so that nothing new starts on it, and requeues the
   * given jobs (lifting 22.05's requeue hold, since the cause is known).
   *
   * @return the jobs Slurm requeued; a job it refused (submitted with {@code --no-requeue}) keeps
   *     running and the node stays until it ends
   */
  public List<Long> requeueAndDrain(String clusterId, String node, List<Long> jobs, String why) {
    if (slurm.isEmpty()) {
      return List.of();
    }
    var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
    List<Long> requeued = new ArrayList<>();
    try {
      drainIfNot(scontrol, node, Scontrol.reason(why));
      for (long job : jobs) {
        if (scontrol.requeue(job)) {
          requeued.add(job);
        }
      }
    } catch (RuntimeException e) {
      log.warn("cluster {}: could not requeue jobs on {}: {}", clusterId, node, e.getMessage());
    }
    releaseRequeueHoldLater(clusterId, requeued);
    log.warn(
        "cluster {}: node {} is going ({}); jobs requeued: {}", clusterId, node, why, requeued);
    return requeued;
  }

  /**
   * Drains a node with an {@code openpcs:} reason unless it is drained already (an administrator's
   * own drain and reason are kept). Does nothing when the controller does not answer.
   */
  public void drain(String clusterId, String node, String why) {
    if (slurm.isEmpty()) {
      return;
    }
    try {
      drainIfNot(new Scontrol(slurm.get(), paths.apply(clusterId)), node, Scontrol.reason(why));
    } catch (RuntimeException e) {
      log.debug("cluster {}: could not drain {}: {}", clusterId, node, e.getMessage());
    }
  }

  private static void drainIfNot(Scontrol scontrol, String node, String reason) {
    boolean drained =
        scontrol.nodes().stream().anyMatch(n -> n.name().equals(node) && n.has("DRAIN"));
    if (!drained) {
      scontrol.updateNode(node, "DRAIN", reason);
    }
  }

  /**
   * The requeue completes a moment after the request, and a job completes on all its nodes first
   * (which can take a while when some were powered down): lift the hold once each job is pending
   * again, for up to two minutes (about as long as the hold itself).
   */
  private void releaseRequeueHoldLater(String clusterId, List<Long> jobs) {
    if (jobs.isEmpty() || slurm.isEmpty()) {
      return;
    }
    var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
    Thread.ofVirtual()
        .start(
            () -> {
              Set<Long> waiting = new java.util.HashSet<>(jobs);
              long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
              while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(1000);
                  for (var j : scontrol.jobs()) {
                    if (!waiting.contains(j.id())) {
                      continue;
                    }
                    if ("PENDING".equals(j.state())) {
                      scontrol.startNow(j.id());
                      waiting.remove(j.id());
                    } else if (j.finished() || "RUNNING".equals(j.state())) {
                      waiting.remove(j.id());
                    }
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  log.debug("could not release jobs {}: {}", waiting, e.toString());
                }
              }
            });
  }
}
