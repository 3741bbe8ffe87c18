package org.openpcs.server.protocol;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded polling: re-reads a value until it satisfies a condition or the time is up. */
final class Poll {
  private Poll() {}

  static <T> T until(Duration timeout, String what, Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (true) {
      try {
        last = read.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError e =
            new AssertionError(
                "timed out after " + timeout + " waiting for " + what + "; last value: " + last);
        if (lastError != null) {
          e.initCause(lastError);
        }
        throw e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
