package org.openpcs.control.slurm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;

/**
 * Which of a cluster's cloud nodes have been idle for the scale-down idle time (pure). Slurm
 * releases such nodes itself, but its power-save pass does that work only every 10 s when no node
 * changed (D32), so an idle node stayed billed up to 10 s past its time; the control plane asks for
 * the release the moment the time is up (D34). Only plainly idle nodes are released this way: a
 * node with any flag but CLOUD (drained, down, reserved, planned for a pending job, completing,
 * powering up or down, not responding…) is left to Slurm's own pass, which still runs as before,
 * and so is a node of a partition in which a job waits to be scheduled ({@link
 * #waitingPartitions}).
 */
final class IdleRelease {
  /** The flags of a plainly idle, powered-up cloud node. */
  private static final Set<String> PLAIN = Set.of("CLOUD");

  /** The flags of a cloud node finishing its job, which is then looked at again. */
  private static final Set<String> FINISHING = Set.of("CLOUD", "COMPLETING");

  /** How soon to look again at a node that is finishing a job (COMPLETING). */
  static final Duration COMPLETING_RECHECK = Duration.ofSeconds(2);

  /**
   * @param slurm Slurm's nodes of the cluster by name
   * @param cloudNodes the cloud (dynamic) node names slurmctld runs
   * @param idleTime the scale-down idle time of the configuration slurmctld runs
   */
  record View(
      Map<String, NodeStatus> slurm, List<String> cloudNodes, Duration idleTime, Instant now) {}

  /**
   * @param release nodes to power down now
   * @param nextDue when the next node may be due (or is worth a look), if any
   */
  record Plan(List<String> release, Optional<Instant> nextDue) {}

  /**
   * Reasons of a pending job that the next scheduling pass may resolve with nodes the partition
   * already has: such a job may take an idle node any moment.
   */
  static final Set<String> SCHEDULABLE = Set.of("None", "Priority", "Resources");

  private IdleRelease() {}

  /**
   * The partitions in which a job waits only to be scheduled (D38): a job requeued out of
   * CONFIGURING (D20) leaves its fresh nodes idle for a moment before it is placed again, and a job
   * waiting for Resources takes idle nodes as soon as the rest come free. Releasing such nodes
   * early would make the job wait for new instances. Slurm's own pass still releases them after the
   * idle time; the control plane only does not do it sooner.
   */
  static Set<String> waitingPartitions(List<JobStatus> jobs) {
    Set<String> out = new TreeSet<>();
    for (JobStatus j : jobs) {
      if ("PENDING".equals(j.state()) && SCHEDULABLE.contains(j.reason())) {
        // a job submitted to several partitions lists them with commas
        for (String p : j.partition().split(",")) {
          if (!p.isBlank()) {
            out.add(p.strip());
          }
        }
      }
    }
    return out;
  }

  /** The nodes of the partitions in which a job waits (see {@link #waitingPartitions}). */
  static Set<String> waitedFor(Set<String> waiting, Map<String, List<String>> partitionNodes) {
    Set<String> out = new TreeSet<>();
    for (String p : waiting) {
      out.addAll(partitionNodes.getOrDefault(p, List.of()));
    }
    return out;
  }

  static Plan plan(View v) {
    List<String> release = new ArrayList<>();
    Instant next = null;
    for (String node : v.cloudNodes()) {
      NodeStatus s = v.slurm().get(node);
      if (s == null) {
        continue;
      }
      Instant due = null;
      if (s.flags().equals(FINISHING)) {
        // It turns idle within moments, with a fresh last-busy time; look again then.
        due = v.now().plus(COMPLETING_RECHECK);
      } else if (s.baseState().equals("IDLE") && s.flags().equals(PLAIN) && s.lastBusy() != null) {
        // Slurm keeps last-busy in whole seconds: a node busy until x.9 s shows x, so the idle
        // time counts from x + 1 s — never early (as Slurm's own test, last_busy < now - time).
        Instant at = s.lastBusy().plus(v.idleTime()).plusSeconds(1);
        if (!at.isAfter(v.now())) {
          release.add(node);
          continue;
        }
        due = at;
      }
      if (due != null && (next == null || due.isBefore(next))) {
        next = due;
      }
    }
    return new Plan(List.copyOf(release), Optional.ofNullable(next));
  }
}
