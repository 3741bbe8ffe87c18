package org.openpcs.provider;

/** Providers that can be told to fail, for tests and failure drills. */
public interface FaultInjection {
  /**
   * The next {@code n} launches (that are not idempotent repeats of an earlier launch) throw a
   * {@link LaunchException} with {@code reason} (INSUFFICIENT_CAPACITY, LIMIT_EXCEEDED or
   * LAUNCH_ERROR). {@code n = 0} clears it.
   */
  void failNextLaunches(int n, String reason);
}
