package org.openpcs.provider;

import java.time.Instant;
import java.util.Map;

/** An instance as the provider sees it. {@code state}: PENDING, RUNNING, TERMINATED. */
public record Instance(
    String instanceId,
    String instanceType,
    String state,
    String privateIp,
    Map<String, String> tags,
    Instant launchedAt,
    String stateReason) {

  /**
   * Providers start {@link #stateReason()} with this while a spot interruption notice is pending.
   */
  public static final String SPOT_INTERRUPTION = "spot-interruption";

  public boolean interruptionPending() {
    return !terminated() && stateReason() != null && stateReason().startsWith(SPOT_INTERRUPTION);
  }

  public boolean terminated() {
    return "TERMINATED".equals(state);
  }
}
