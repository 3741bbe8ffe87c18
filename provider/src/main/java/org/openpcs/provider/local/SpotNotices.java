package org.openpcs.provider.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot interruption notices of the local provider's instances. A notice is a file in the instance's
 * directory holding the second at which the instance is reclaimed, so an administration command in
 * another process ({@code openpcs instances interrupt}) can deliver one too; the provider reads
 * them when it describes its instances and reclaims those whose time has come.
 */
final class SpotNotices {
  private static final Logger log = LoggerFactory.getLogger(SpotNotices.class);
  private static final String FILE = "spot-interruption";

  /** How long before reclaiming an instance EC2 gives notice, and so do random interruptions. */
  static final Duration NOTICE = Duration.ofMinutes(2);

  private final Path stateDir;
  private final Clock clock;
  private final RandomInterruptions random;

  SpotNotices(Path stateDir, Clock clock, RandomInterruptions random) {
    this.stateDir = stateDir;
    this.clock = clock;
    this.random = random;
  }

  /** Delivers a notice: the instance is reclaimed {@code notice} from now. */
  void deliver(String instanceId, Duration notice) {
    deliver(stateDir, instanceId, clock.instant().plus(notice));
    log.info("spot interruption notice for {}: reclaimed in {} s", instanceId, notice.toSeconds());
  }

  /** Writes a notice for an instance under {@code stateDir} ({@code <data-dir>/instances}). */
  static void deliver(Path stateDir, String instanceId, Instant deadline) {
    Path dir = stateDir.resolve(instanceId);
    if (!LocalProvider.INSTANCE_ID.matcher(instanceId).matches() || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no instance " + instanceId + " in " + stateDir);
    }
    try {
      Files.writeString(dir.resolve(FILE), Long.toString(deadline.getEpochSecond()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot deliver the interruption notice to " + instanceId, e);
    }
  }

  /** When the instance is reclaimed, if it has been given notice. */
  Optional<Instant> deadline(String instanceId) {
    Path f = stateDir.resolve(instanceId).resolve(FILE);
    try {
      return Files.exists(f)
          ? Optional.of(Instant.ofEpochSecond(Long.parseLong(Files.readString(f).strip())))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Each instance's deadline, read once (one file per instance: callers do not hold the provider's
   * lock).
   */
  Map<String, Optional<Instant>> deadlines(List<String> instanceIds) {
    Map<String, Optional<Instant>> deadlines = new HashMap<>();
    for (String id : instanceIds) {
      deadlines.put(id, deadline(id));
    }
    return deadlines;
  }

  /**
   * The instances, in the order given, whose deadline (from {@link #deadlines}) has passed: they
   * are reclaimed whether or not anyone reacted to the notice.
   */
  List<String> due(List<String> instanceIds, Map<String, Optional<Instant>> deadlines) {
    Instant now = clock.instant();
    return instanceIds.stream()
        .filter(id -> deadlines.get(id).map(t -> !t.isAfter(now)).orElse(false))
        .toList();
  }

  /**
   * With a random interruption rate set: gives notice, at random, to some of the running spot
   * instances that have none yet. Synchronized: describes may run concurrently, and the random
   * process keeps the time of its last draw.
   */
  synchronized void interruptAtRandom(List<String> runningSpot) {
    if (!random.enabled()) {
      return;
    }
    List<String> picked =
        random.pick(runningSpot.stream().filter(id -> deadline(id).isEmpty()).toList());
    for (String id : picked) {
      try {
        deliver(id, NOTICE);
      } catch (RuntimeException e) {
        log.debug("no random interruption for {}: {}", id, e.toString());
      }
    }
  }

  boolean randomEnabled() {
    return random.enabled();
  }
}
