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

  public boolean terminated() {
    return "TERMINATED".equals(state);
  }
}
