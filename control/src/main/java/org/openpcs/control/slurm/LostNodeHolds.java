package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.CustomSetting;

/**
 * Keeps a node OpenPCS took out of service (its instance was lost) away from jobs until slurmctld
 * can no longer deliver the kill of the jobs that ran there (D33).
 *
 * <p>Setting the node DOWN requeues its jobs and sends their kill to the node. The lost slurmd does
 * not answer, and slurmctld keeps trying to connect once a second for {@code MessageTimeout}. A new
 * instance of the same node (same name, same port) that starts listening within that time gets the
 * kill — and if the requeued job was already relaunched there, the kill ends the new run (measured:
 * the job failed with signal 15 whenever the replacement registered within the window). So the node
 * is held (drained, or left DOWN) until the window is over. The windows live in memory; after a
 * server restart a held node waits one full window from the restart, which is always long enough.
 */
final class LostNodeHolds {
  /** slurmctld's default {@code MessageTimeout}. */
  static final int DEFAULT_MESSAGE_TIMEOUT_SECONDS = 10;

  /** The kill's agent ends a second after its last attempt; margin for a loaded controller. */
  static final Duration MARGIN = Duration.ofSeconds(3);

  private final Clock clock;
  private final Instant startedAt;
  private final ConcurrentHashMap<String, Instant> ends = new ConcurrentHashMap<>();

  /**
   * Clusters whose Slurm this server started with no saved state: none of their nodes can have been
   * lost before this server's start, so the start's window does not apply to them.
   */
  private final java.util.Set<String> born = ConcurrentHashMap.newKeySet();

  LostNodeHolds(Clock clock) {
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  /** Pure: how long a kill may still reach a node, for a cluster's custom settings. */
  static Duration window(List<CustomSetting> slurmCustomSettings) {
    int timeout = DEFAULT_MESSAGE_TIMEOUT_SECONDS;
    for (CustomSetting s : slurmCustomSettings) {
      if (s.parameterName().equalsIgnoreCase("MessageTimeout")) {
        try {
          timeout = Math.max(timeout, Integer.parseInt(s.parameterValue().strip()));
        } catch (NumberFormatException e) {
          // slurmctld will not take it either; keep the default
        }
      }
    }
    return Duration.ofSeconds(timeout).plus(MARGIN);
  }

  /** The cluster's slurmctld was just started for the first time, with no saved state. */
  void born(String clusterId) {
    born.add(clusterId);
  }

  /** The cluster is gone (a cluster created again under the same id is born again). */
  void forget(String clusterId) {
    born.remove(clusterId);
    ends.keySet().removeIf(k -> k.startsWith(clusterId + '/'));
  }

  /** Until when a node not taken out of service by this server may still be held. */
  private Instant startHold(String clusterId, Duration window) {
    return born.contains(clusterId) ? Instant.MIN : startedAt.plus(window);
  }

  /** The node was just taken out of service: its kill window starts now. */
  void started(String clusterId, String node, Duration window) {
    ends.put(key(clusterId, node), clock.instant().plus(window));
  }

  /**
   * Whether no kill from the node's last loss can reach it any more. A node this server did not
   * take out of service itself (it restarted since) counts from the server's start, unless its
   * cluster was born under this server.
   */
  boolean over(String clusterId, String node, Duration window) {
    Instant end = ends.getOrDefault(key(clusterId, node), startHold(clusterId, window));
    boolean over = !clock.instant().isBefore(end);
    if (over) {
      ends.remove(key(clusterId, node), end);
    }
    return over;
  }

  /** Whether this server took the node out of service and the kill window is not over yet. */
  boolean held(String clusterId, String node) {
    Instant end = ends.get(key(clusterId, node));
    return end != null && clock.instant().isBefore(end);
  }

  /**
   * How long until the cluster's next hold ends (one window from the server's start counts, for
   * nodes held before it), or empty when none is pending. Forgets holds that are over.
   */
  Optional<Duration> untilNextEnd(String clusterId, Duration window) {
    Instant now = clock.instant();
    String prefix = clusterId + '/';
    ends.entrySet().removeIf(e -> e.getKey().startsWith(prefix) && !now.isBefore(e.getValue()));
    return java.util.stream.Stream.concat(
            ends.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(java.util.Map.Entry::getValue),
            java.util.stream.Stream.of(startHold(clusterId, window)))
        .filter(now::isBefore)
        .min(Instant::compareTo)
        .map(end -> Duration.between(now, end));
  }

  private static String key(String clusterId, String node) {
    return clusterId + '/' + node;
  }
}
