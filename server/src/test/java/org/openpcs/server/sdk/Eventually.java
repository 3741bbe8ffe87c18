package org.openpcs.server.sdk;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded polling for the asynchronous lifecycle (CREATING → ACTIVE, DELETING → gone). */
final class Eventually {
  private static final Duration POLL = Duration.ofMillis(20);

  private Eventually() {}

  /**
   * Polls {@code condition} until it holds; fails with {@code what} once {@code timeout} passed.
   */
  static void await(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
