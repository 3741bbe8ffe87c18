package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates instances tagged as a group's that no live record accounts for (a launch whose record
 * was lost, an instance started by hand with our tags). One look is not enough: a record marked
 * TERMINATED just after the provider was asked, or a launch between the two reads, looks the same
 * for a moment, so an instance must stay unaccounted for over {@link #GRACE}.
 */
final class OrphanSweep {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

  static final Duration GRACE = Duration.ofSeconds(10);

  private final ComputeProvider provider;
  private final Clock clock;

  /** Instances no record accounted for at the last look, and since when. */
  private final Map<String, Instant> since = new ConcurrentHashMap<>();

  OrphanSweep(ComputeProvider provider, Clock clock) {
    this.provider = provider;
    this.clock = clock;
  }

  /**
   * @param seen the provider's view of the group's instances, by bootstrap id
   * @param known bootstrap ids of the group's live records
   * @param inFlight bootstrap ids a launch or termination is working on (left alone)
   */
  void sweep(
      ComputeNodeGroup g, Map<String, Instance> seen, Set<String> known, Set<String> inFlight) {
    List<String> candidates =
        seen.entrySet().stream()
            .filter(e -> !e.getValue().terminated() && !known.contains(e.getKey()))
            .filter(e -> !inFlight.contains(e.getKey()))
            .map(e -> e.getValue().instanceId())
            .toList();
    Instant now = clock.instant();
    List<String> orphans = new ArrayList<>();
    for (String id : candidates) {
      Instant first = since.putIfAbsent(id, now);
      if (first != null && !first.plus(GRACE).isAfter(now)) {
        orphans.add(id);
      }
    }
    // Forget candidates of this group that turned out fine (their record caught up).
    seen.values().stream()
        .map(Instance::instanceId)
        .filter(id -> !candidates.contains(id))
        .forEach(since::remove);
    if (!orphans.isEmpty()) {
      log.warn("terminating orphaned instances of {}: {}", g.name(), orphans);
      provider.terminate(orphans);
      orphans.forEach(since::remove);
    }
  }
}
