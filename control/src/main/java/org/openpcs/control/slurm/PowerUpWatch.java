package org.openpcs.control.slurm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.NodeStatus;

/**
 * Finds dynamic nodes that Slurm is powering up but that will not come up by themselves (pure).
 * Without it such a node holds its jobs in CONFIGURING until slurmctld's ResumeTimeout (600 s):
 *
 * <ul>
 *   <li><b>no instance</b>: Slurm powers the node up but no live record backs it — the resume
 *       request was lost, or it was filtered because a record of an earlier power cycle still
 *       looked live. The node gets an instance.
 *   <li><b>never registered</b>: the node's instance runs and its agent reported slurmd up, but
 *       slurmctld still waits for the node — its registration was refused or lost (e.g. an old
 *       slurmd of the node answered, whose boot time predates the resume request). The instance is
 *       replaced; Slurm keeps the node powering up, so its jobs are not requeued.
 * </ul>
 *
 * A condition has to hold over a grace period before it counts: between slurmctld calling the
 * ResumeProgram and the launch being recorded, and between slurmd's start and its registration,
 * every node looks like this for a moment.
 */
final class PowerUpWatch {
  /** A powering-up node without an instance: longer than any inbox drain plus launch start. */
  static final Duration NO_INSTANCE_GRACE = Duration.ofSeconds(15);

  /**
   * A node whose slurmd is up but that slurmctld still powers up. Registration follows the config
   * fetch within a second on an idle controller and within a few seconds in a 1,000-node burst on
   * two cores; a refused registration is never retried by slurmd.
   */
  static final Duration UNREGISTERED_BOUND = Duration.ofSeconds(30);

  /**
   * @param slurm Slurm's nodes of the cluster by name
   * @param dynamicNodes the group's dynamic node names
   * @param live the group's live instance records
   * @param poweringUpSince when each node was first seen powering up (from the previous look)
   * @param claimed nodes a launch is working on right now (left alone)
   */
  record View(
      Map<String, NodeStatus> slurm,
      List<String> dynamicNodes,
      List<NodeInstance> live,
      Map<String, Instant> poweringUpSince,
      Set<String> claimed,
      Instant now) {}

  /**
   * @param launch nodes to give an instance
   * @param replace records whose instance is to be replaced
   * @param poweringUpSince the nodes powering up now, with when that was first seen
   */
  record Plan(
      List<String> launch, List<NodeInstance> replace, Map<String, Instant> poweringUpSince) {
    boolean idle() {
      return launch.isEmpty() && replace.isEmpty();
    }
  }

  private PowerUpWatch() {}

  static Plan plan(View v) {
    List<String> launch = new ArrayList<>();
    List<NodeInstance> replace = new ArrayList<>();
    Map<String, Instant> since = new HashMap<>();
    for (String node : v.dynamicNodes()) {
      NodeStatus s = v.slurm().get(node);
      // A DOWN node keeps its POWERING_UP flag: it was taken out of service (a lost node, held
      // until the kill of its jobs is over, D33) or Slurm gave up on it; neither wants an instance.
      if (s == null || !s.has("POWERING_UP") || s.baseState().equals("DOWN")) {
        continue;
      }
      Instant first = v.poweringUpSince().getOrDefault(node, v.now());
      since.put(node, first);
      if (v.claimed().contains(node)) {
        continue;
      }
      List<NodeInstance> records =
          v.live().stream().filter(ni -> ni.nodeName().equals(node)).toList();
      if (records.isEmpty()) {
        if (!first.plus(NO_INSTANCE_GRACE).isAfter(v.now())) {
          launch.add(node);
        }
        continue;
      }
      for (NodeInstance ni : records) {
        // From whichever came last: the power-up (an instance of an earlier power cycle) or the
        // registration (a fresh instance).
        Instant from =
            ni.registeredAt() == null || ni.registeredAt().isBefore(first)
                ? first
                : ni.registeredAt();
        if ("RUNNING".equals(ni.state()) && !from.plus(UNREGISTERED_BOUND).isAfter(v.now())) {
          replace.add(ni);
        }
      }
    }
    return new Plan(launch, replace, since);
  }
}
