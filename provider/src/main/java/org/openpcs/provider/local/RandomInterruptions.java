package org.openpcs.provider.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Spot interruptions at random, for testing how clusters cope: each spot instance is interrupted as
 * a Poisson process of {@code ratePerInstanceHour}, so over an interval of length t it is picked
 * with probability {@code 1 - exp(-rate * t)}, however often {@link #pick} is called. Not thread
 * safe; {@link SpotNotices} calls it under its lock.
 */
final class RandomInterruptions {
  private final double ratePerHour;
  private final RandomGenerator random;
  private final Clock clock;
  private Instant last;

  /**
   * @param ratePerInstanceHour expected interruptions per spot instance and hour; 0 turns it off
   */
  RandomInterruptions(double ratePerInstanceHour, RandomGenerator random, Clock clock) {
    if (!(ratePerInstanceHour >= 0) || Double.isInfinite(ratePerInstanceHour)) {
      throw new IllegalArgumentException(
          "the spot interruption rate must be a finite number >= 0, not " + ratePerInstanceHour);
    }
    this.ratePerHour = ratePerInstanceHour;
    this.random = random;
    this.clock = clock;
    this.last = clock.instant();
  }

  boolean enabled() {
    return ratePerHour > 0;
  }

  /** The instances (of the running spot instances given) to interrupt now; thread-safe. */
  synchronized List<String> pick(Collection<String> runningSpotInstances) {
    Instant now = clock.instant();
    Duration elapsed = Duration.between(last, now);
    last = now;
    List<String> out = new ArrayList<>();
    if (!enabled() || elapsed.isNegative() || elapsed.isZero()) {
      return out;
    }
    double hours = elapsed.toNanos() / 3.6e12;
    double p = -Math.expm1(-ratePerHour * hours);
    for (String id : runningSpotInstances) {
      if (random.nextDouble() < p) {
        out.add(id);
      }
    }
    return out;
  }
}
