package org.openpcs.provider.local;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's side of spot interruptions, run before each describe: random notices for running
 * spot instances (when a rate is set) and reclaiming the instances whose notice has expired. The
 * instance lists are taken under the provider's lock, the book's monitor; the notice files are read
 * outside it, as a describe reads agent state (see {@link LocalProvider#describe}).
 */
final class SpotInterruptions {
  private static final Logger log = LoggerFactory.getLogger(SpotInterruptions.class);

  private final InstanceBook book;
  private final SpotNotices notices;
  private final Terminations terminations;

  SpotInterruptions(InstanceBook book, SpotNotices notices, Terminations terminations) {
    this.book = book;
    this.notices = notices;
    this.terminations = terminations;
  }

  /** With a random interruption rate set: notices for running spot instances, at random. */
  void interruptAtRandom() {
    if (!notices.randomEnabled()) {
      return;
    }
    List<String> spot;
    synchronized (book) {
      spot = book.runningSpot();
    }
    notices.interruptAtRandom(spot); // reads the notice files: outside the lock
  }

  /**
   * Instances whose interruption deadline passed are reclaimed, whether or not anyone reacted.
   * Returns every live instance's deadline, read once, for the description that follows.
   */
  Map<String, Optional<Instant>> reclaimInterrupted() {
    List<String> live;
    synchronized (book) {
      live = book.liveIds();
    }
    Map<String, Optional<Instant>> deadlines =
        notices.deadlines(live); // outside the lock, as above
    List<String> due = notices.due(live, deadlines);
    if (!due.isEmpty()) {
      log.warn("reclaiming interrupted spot instances {}", due);
      terminations.terminate(due);
    }
    return deadlines;
  }
}
