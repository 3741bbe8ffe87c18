package org.openpcs.control.slurm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpcs.slurm.NodeStatus;

/**
 * Nodes whose instances were terminated for Slurm's suspend and when each is really gone, so that
 * their power-down can end then rather than after SuspendTimeout (D35). slurmctld keeps a suspended
 * node POWERING_DOWN for SuspendTimeout plus up to 10 s until its next power-save pass, and a job
 * that wants the node meanwhile waits for all of it; the control plane knows when the instance is
 * gone — when the provider's termination returned, plus the provider's release time.
 *
 * <p>Used from the power-saving thread only. An entry not acted on within {@code staleAfter} of its
 * time is dropped: the end is only a speed-up (Slurm's pass ends the power-down anyway), and a
 * bound on how late it may come keeps it from ever meeting the node's next power-down, whose
 * instance may still run — that needs a resume, a boot, a job or idle time and a suspend in
 * between.
 */
final class ReleasedNodes {
  /** The flags of a cloud node that was idle when it was suspended and is still powering down. */
  private static final Set<String> POWERING_DOWN = Set.of("CLOUD", "POWERING_DOWN");

  private final Duration releaseTime;
  private final Duration staleAfter;
  private final Map<String, Map<String, Instant>> goneAt = new HashMap<>();

  /**
   * @param releaseTime how long the provider's instances may still run after their termination
   * @param staleAfter how long past its time an end is still worth asking for
   */
  ReleasedNodes(Duration releaseTime, Duration staleAfter) {
    this.releaseTime = releaseTime;
    this.staleAfter = staleAfter;
  }

  /** How long past its time an end is still worth asking for. */
  Duration staleAfter() {
    return staleAfter;
  }

  /** The instances of these nodes were terminated at {@code now} (termination returned). */
  void terminated(String clusterId, Collection<String> nodes, Instant now) {
    Map<String, Instant> cluster = goneAt.computeIfAbsent(clusterId, k -> new HashMap<>());
    nodes.forEach(n -> cluster.put(n, now.plus(releaseTime)));
  }

  /** Takes the cluster's nodes that are gone by {@code now}, dropping stale ones. */
  List<String> due(String clusterId, Instant now) {
    Map<String, Instant> cluster = goneAt.get(clusterId);
    if (cluster == null) {
      return List.of();
    }
    List<String> due = new ArrayList<>();
    cluster
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue().isAfter(now)) {
                return false;
              }
              if (!now.isAfter(e.getValue().plus(staleAfter))) {
                due.add(e.getKey());
              }
              return true;
            });
    if (cluster.isEmpty()) {
      goneAt.remove(clusterId);
    }
    due.sort(null);
    return due;
  }

  /**
   * Of {@code nodes}, those whose power-down may end: still powering down after an idle release
   * (base state IDLE, no flag but CLOUD and POWERING_DOWN). A drained, down or failed node — taken
   * out by an administrator or after a loss (D33) — is left to Slurm's pass: ending its power-down
   * ({@code State=RESUME}) would also clear its drain.
   */
  static List<String> endable(Map<String, NodeStatus> slurm, Collection<String> nodes) {
    return nodes.stream()
        .filter(
            n -> {
              NodeStatus s = slurm.get(n);
              return s != null && s.baseState().equals("IDLE") && s.flags().equals(POWERING_DOWN);
            })
        .sorted()
        .toList();
  }
}
