package org.openpcs.provider;

/**
 * A launch that did not happen. {@code reason} uses the scaling-log vocabulary:
 * INSUFFICIENT_CAPACITY, LIMIT_EXCEEDED or LAUNCH_ERROR.
 */
public final class LaunchException extends RuntimeException {
  private final String reason;

  public LaunchException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
