package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.NodeStatus;

/** Carries out {@link PowerUpWatch}'s plan for a group, remembering what it saw between passes. */
final class PowerUpRepair {
  private final Clock clock;
  private final Launches launches;
  private final FleetEvents events;

  /** Dynamic nodes ({@code groupId/node}) seen powering up in Slurm, and since when. */
  private final Map<String, Instant> poweringUpSince = new ConcurrentHashMap<>();

  /**
   * Repairs per node ({@code groupId/node}) during its current power-up. A node that a few new
   * instances did not bring up has a cause no new instance fixes; slurmctld's ResumeTimeout then
   * takes it down and requeues its jobs, as without the watch.
   */
  private final Map<String, Integer> repairs = new ConcurrentHashMap<>();

  static final int MAX_REPAIRS = 3;

  PowerUpRepair(Clock clock, Launches launches, FleetEvents events) {
    this.clock = clock;
    this.launches = launches;
    this.events = events;
  }

  /**
   * Repairs dynamic nodes Slurm powers up that would not come up by themselves (see {@link
   * PowerUpWatch}): one without an instance gets one, one whose slurmd runs but never registered
   * gets a new instance. Either way Slurm keeps the node powering up and its jobs wait for it.
   *
   * @param nodes Slurm's nodes of the cluster by name
   * @param live the group's live records
   * @return the nodes to launch (the caller launches them, claims first)
   */
  List<String> check(ComputeNodeGroup g, Map<String, NodeStatus> nodes, List<NodeInstance> live) {
    String prefix = g.id() + "/";
    List<String> dynamic =
        NodeNames.all(g).subList(g.spec().minInstanceCount(), g.spec().maxInstanceCount());
    Map<String, Instant> since = new HashMap<>();
    poweringUpSince.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            since.put(k.substring(prefix.length()), v);
          }
        });
    Set<String> busy = launches.claimedNodes(g);
    PowerUpWatch.Plan plan =
        PowerUpWatch.plan(
            new PowerUpWatch.View(nodes, dynamic, live, since, busy, clock.instant()));
    poweringUpSince.keySet().removeIf(k -> k.startsWith(prefix));
    plan.poweringUpSince().forEach((n, t) -> poweringUpSince.put(prefix + n, t));
    // a node that came up (or was given up by Slurm) starts afresh at its next power-up
    repairs
        .keySet()
        .removeIf(
            k ->
                k.startsWith(prefix)
                    && !plan.poweringUpSince().containsKey(k.substring(prefix.length())));
    List<String> toLaunch = plan.launch().stream().filter(n -> mayRepair(g, prefix + n)).toList();
    List<NodeInstance> toReplace =
        plan.replace().stream().filter(ni -> mayRepair(g, prefix + ni.nodeName())).toList();
    for (NodeInstance ni : toReplace) {
      String why =
          "slurmd of "
              + ni.nodeName()
              + " runs but slurmctld never saw it register within "
              + PowerUpWatch.UNREGISTERED_BOUND.toSeconds()
              + " s; replacing its instance";
      events.warning(g, "UNHEALTHY_NODE", why);
      launches.terminate(g, ni, "UNHEALTHY_NODE", why);
    }
    List<String> again =
        java.util.stream.Stream.concat(
                toLaunch.stream(), toReplace.stream().map(NodeInstance::nodeName))
            .distinct()
            .toList();
    if (!toLaunch.isEmpty()) {
      events.warning(
          g,
          "UNHEALTHY_NODE",
          "slurmctld powers up "
              + org.openpcs.slurm.Hostlist.compress(toLaunch)
              + " but no instance backs them (a lost resume request?); launching");
    }
    return again;
  }

  /** Counts a repair of the node; false (announced once) when it had its {@link #MAX_REPAIRS}. */
  private boolean mayRepair(ComputeNodeGroup g, String key) {
    int n = repairs.merge(key, 1, Integer::sum);
    if (n == MAX_REPAIRS + 1) {
      events.warning(
          g,
          "UNHEALTHY_NODE",
          key.substring(key.indexOf('/') + 1)
              + " did not come up after "
              + MAX_REPAIRS
              + " new instances; left to slurmctld's ResumeTimeout");
    }
    return n <= MAX_REPAIRS;
  }
}
