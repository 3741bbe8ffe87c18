package org.openpcs.store.jdbc;

import java.time.Instant;
import java.util.Objects;

/**
 * Instants as one {@code long} of nanoseconds since the epoch: exact on both databases, unlike
 * PostgreSQL's microsecond timestamps. The price is a range of years 1677 to 2262.
 */
final class EpochNanos {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private EpochNanos() {}

  static long of(Instant instant) {
    Objects.requireNonNull(instant, "timestamp");
    long seconds = instant.getEpochSecond();
    long nanos = instant.getNano();
    if (seconds < 0 && nanos > 0) {
      // Borrow a second so the product cannot overflow before the (positive) nanos are added,
      // which would wrongly refuse the earliest storable second.
      seconds++;
      nanos -= NANOS_PER_SECOND;
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "timestamp " + instant + " is outside the storable range (years 1677 to 2262)", e);
    }
  }

  static Instant toInstant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }
}
