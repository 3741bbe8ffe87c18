package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * The control plane's own power-down requests, which only ever come earlier than Slurm's pass would
 * act: an idle node's release when its idle time is up (D34, D38) and the end of a power-down when
 * the node's instance is gone (D35). Both run under {@link ClusterNodes}'s per-cluster lock and
 * respect its loss holds (D33); both do nothing when the controller does not answer.
 */
public final class PowerDowns {
  private static final Logger log = LoggerFactory.getLogger(PowerDowns.class);

  private final Optional<SlurmInstallation> slurm;
  private final Function<String, ClusterPaths> paths;
  private final Function<String, Duration> killWindow;
  private final LostNodeHolds holds;
  private final Clock clock;
  private final Function<String, Object> lock;

  PowerDowns(
      Optional<SlurmInstallation> slurm,
      Function<String, ClusterPaths> paths,
      Function<String, Duration> killWindow,
      LostNodeHolds holds,
      Clock clock,
      Function<String, Object> lock) {
    this.slurm = slurm;
    this.paths = paths;
    this.killWindow = killWindow;
    this.holds = holds;
    this.clock = clock;
    this.lock = lock;
  }

  /**
   * Asks Slurm to power down nodes whose idle time is up (D34): {@code State=POWER_DOWN}, which its
   * power-save pass acts on within a second. Under the cluster's lock, so that it cannot interleave
   * with {@link ClusterNodes#failNode}, and after a fresh look at the jobs: a node with any job (a
   * suspended one leaves it looking idle; Slurm's own pass keeps such a node) or held after a loss
   * (D33) stays. Does nothing when the controller does not answer (Slurm's pass still releases
   * them).
   */
  public void idle(String clusterId, List<String> nodes) {
    if (slurm.isEmpty() || nodes.isEmpty()) {
      return;
    }
    synchronized (lock.apply(clusterId)) {
      try {
        var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
        List<JobStatus> jobs = scontrol.jobs();
        Map<String, ClusterNodes.NodeJobs> busy = ClusterNodes.jobsByNode(jobs);
        Set<String> waiting = IdleRelease.waitingPartitions(jobs);
        // the partitions' nodes are asked for only when a job waits (D38)
        Set<String> waitedFor =
            waiting.isEmpty()
                ? Set.of()
                : IdleRelease.waitedFor(waiting, scontrol.partitionNodes());
        List<String> idle =
            nodes.stream()
                .filter(
                    n ->
                        !busy.containsKey(n) && !waitedFor.contains(n) && !holds.held(clusterId, n))
                .toList();
        if (idle.size() < nodes.size() && log.isDebugEnabled()) {
          log.debug(
              "cluster {}: left to Slurm's pass (busy, waited for by {} or held): {}",
              clusterId,
              waiting,
              nodes.stream().filter(n -> !idle.contains(n)).toList());
        }
        if (!idle.isEmpty()) {
          scontrol.updateNode(Hostlist.compress(idle), "POWER_DOWN", null);
          log.info("cluster {}: idle time up, powering down {}", clusterId, idle);
        }
      } catch (RuntimeException e) {
        log.warn("cluster {}: could not power down idle {}: {}", clusterId, nodes, e.getMessage());
      }
    }
  }

  /**
   * Ends the power-down of nodes whose instances are gone (D35): {@code State=RESUME}, which
   * slurmctld (22.05) applies to a powering-down node by marking it powered down at once, so a job
   * that wants it gets a new instance now rather than after SuspendTimeout and Slurm's next pass
   * (verified in the lab; on a node already powered down it is refused, harmlessly). Only nodes
   * {@link ReleasedNodes#endable} and whose loss hold is over (D33; after a restart one window from
   * the start), under the cluster's lock, and not after {@code notAfter}: past it the node could be
   * in its next power-down, whose instance may still run. An administrator's drain set between the
   * read and the request would be cleared by it (a moment's window, accepted). Does nothing when
   * the controller does not answer: Slurm's pass ends the power-down in any case.
   */
  public void end(String clusterId, List<String> nodes, Instant notAfter) {
    if (slurm.isEmpty() || nodes.isEmpty()) {
      return;
    }
    synchronized (lock.apply(clusterId)) {
      try {
        var scontrol = new Scontrol(slurm.get(), paths.apply(clusterId));
        Duration window = killWindow.apply(clusterId);
        Map<String, NodeStatus> states = ClusterNodes.byName(scontrol.nodes());
        List<String> gone =
            ReleasedNodes.endable(states, nodes).stream()
                .filter(n -> holds.over(clusterId, n, window))
                .toList();
        if (gone.size() < nodes.size() && log.isDebugEnabled()) {
          log.debug(
              "cluster {}: power-down left to Slurm for {}",
              clusterId,
              nodes.stream()
                  .filter(n -> !gone.contains(n))
                  .map(n -> n + "=" + states.get(n))
                  .toList());
        }
        if (gone.isEmpty()) {
          return;
        }
        if (clock.instant().isAfter(notAfter)) {
          log.debug("cluster {}: power-down of {} left to Slurm (too late)", clusterId, gone);
          return;
        }
        scontrol.updateNode(Hostlist.compress(gone), "RESUME", null);
        log.info("cluster {}: instances gone, {} powered down", clusterId, gone);
      } catch (RuntimeException e) {
        log.debug("cluster {}: power-down of {} left to Slurm: {}", clusterId, nodes, e.toString());
      }
    }
  }
}
