package org.openpcs.control;

import java.time.Instant;

/**
 * The node lifecycle record PCS calls the scaling log: one record per step, in PCS's vocabulary
 * (states LAUNCHED, REGISTERED, ACTIVE, LAUNCH_FAILED, TERMINATED, TERMINATE_FAILED with reasons
 * such as SCHEDULER_REQUESTED, MAINTAIN_MIN_CAPACITY, INSUFFICIENT_CAPACITY, BOOTSTRAP_FAILED).
 */
public interface ScalingLog {

  /** One step of one node's life. Fields may be null when not known yet (e.g. no instance id). */
  record Entry(
      Instant timestamp,
      String clusterId,
      String nodeGroupId,
      String nodeGroupName,
      String nodeName,
      String instanceId,
      String instanceType,
      String state,
      String reason,
      String message) {}

  void record(Entry entry);

  /** Records nothing (tests, API-only servers). */
  ScalingLog NONE = entry -> {};
}
