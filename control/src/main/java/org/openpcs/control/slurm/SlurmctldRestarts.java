package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.ErrorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restarts of this host's slurmctlds: the back-off that keeps a crashing slurmctld from being
 * started in a tight loop, and the note and event each restart leaves for the cluster's status.
 *
 * <p>Guarded by {@link ClusterRuntime}'s per-cluster lock: every call for a cluster is made while
 * holding it (from {@code sync} and {@code remove}). The per-cluster restart lists are plain
 * ArrayLists that only that lock protects; the ConcurrentHashMaps only keep different clusters,
 * synced at the same time under different locks, apart.
 */
final class SlurmctldRestarts {
  private static final Logger log = LoggerFactory.getLogger(SlurmctldRestarts.class);

  /** Restarts allowed before the back-off applies, and the window they are counted in. */
  private static final int FREE_RESTARTS = 3;

  private static final Duration RESTART_WINDOW = Duration.ofMinutes(2);

  private final Clock clock;
  private final org.openpcs.control.EventSink events;
  private final ConcurrentHashMap<String, List<Instant>> restarts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<ErrorInfo>> notes = new ConcurrentHashMap<>();

  SlurmctldRestarts(Clock clock, org.openpcs.control.EventSink events) {
    this.clock = clock;
    this.events = events;
  }

  /** Enforces the restart back-off; empty means "start now". */
  Optional<Duration> backoff(String clusterId) {
    Instant now = clock.instant();
    List<Instant> recent = restarts.computeIfAbsent(clusterId, k -> new ArrayList<>());
    recent.removeIf(t -> t.isBefore(now.minus(RESTART_WINDOW)));
    if (recent.size() < FREE_RESTARTS) {
      return Optional.empty();
    }
    Duration delay =
        Duration.ofSeconds(Math.min(60, 2L << Math.min(recent.size() - FREE_RESTARTS, 5)));
    Instant next = recent.get(recent.size() - 1).plus(delay);
    return now.isBefore(next) ? Optional.of(Duration.between(now, next)) : Optional.empty();
  }

  /** Counts a restart of a slurmctld that had run before, and tells the cluster's status so. */
  void record(String clusterId) {
    List<Instant> recent = restarts.computeIfAbsent(clusterId, k -> new ArrayList<>());
    recent.add(clock.instant());
    String message =
        "slurmctld was not running and was restarted at "
            + clock.instant()
            + " ("
            + recent.size()
            + " restart(s) in the last "
            + RESTART_WINDOW.toMinutes()
            + " min); running and pending jobs were recovered from its saved state";
    log.warn("cluster {}: {}", clusterId, message);
    try {
      events.emit(
          new org.openpcs.domain.Event(
              clock.instant(),
              clusterId,
              org.openpcs.domain.ResourceKind.CLUSTER,
              clusterId,
              org.openpcs.domain.Event.Severity.WARNING,
              "SLURMCTLD_RESTARTED",
              "slurmctld was not running and was restarted; jobs recovered from its saved state"));
    } catch (RuntimeException e) {
      log.debug("event not recorded: {}", e.toString());
    }
    notes.put(clusterId, List.of(new ErrorInfo("SlurmctldRestarted", message)));
  }

  /** The notes the last restart left for the cluster's status; none before any restart. */
  List<ErrorInfo> notes(String clusterId) {
    return notes.getOrDefault(clusterId, List.of());
  }

  /** Forgets a removed cluster, so one created again under the same id starts with no count. */
  void forget(String clusterId) {
    restarts.remove(clusterId);
    notes.remove(clusterId);
  }
}
