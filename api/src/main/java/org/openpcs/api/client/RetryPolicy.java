package org.openpcs.api.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Which failures are worth another attempt, and how long to wait before it. */
final class RetryPolicy {
  private static final Set<String> RETRYABLE_TYPES =
      Set.of("ThrottlingException", "InternalServerException");

  // Gateways answer these without an AWS error body while the server restarts or is overloaded.
  private static final Set<Integer> RETRYABLE_STATUSES = Set.of(502, 503, 504);

  private final Duration baseDelay;
  private final Duration maxDelay;

  RetryPolicy(Duration baseDelay, Duration maxDelay) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  static boolean retryable(PcsClientException e) {
    if (e.errorType().equals("ValidationException")) {
      return false;
    }
    return RETRYABLE_TYPES.contains(e.errorType()) || RETRYABLE_STATUSES.contains(e.httpStatus());
  }

  /**
   * Exponential backoff with "equal jitter": half the window fixed, half random, so that clients
   * throttled together do not come back together, yet never retry immediately. A server's {@code
   * retryAfterSeconds} is a floor.
   *
   * @param retry 0 for the first retry
   * @param retryAfterSeconds what the server asked for, or {@code null}
   */
  Duration delay(int retry, Integer retryAfterSeconds) {
    long base = baseDelay.toMillis();
    long window = Math.min(maxDelay.toMillis(), base << Math.min(retry, 30));
    long half = window / 2;
    long millis = half + ThreadLocalRandom.current().nextLong(half + 1);
    if (retryAfterSeconds != null && retryAfterSeconds > 0) {
      millis = Math.max(millis, retryAfterSeconds * 1000L);
    }
    return Duration.ofMillis(millis);
  }
}
