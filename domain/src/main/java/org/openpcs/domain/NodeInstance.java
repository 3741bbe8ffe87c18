package org.openpcs.domain;

import java.time.Instant;

/**
 * One instance the control plane launched for a Slurm node. {@code bootstrapId} is single-use: the
 * instance's agent presents it once to register ({@code registeredAt} set), and it binds the
 * instance to exactly one node name. {@code state}: LAUNCHING, REGISTERED, RUNNING,
 * BOOTSTRAP_FAILED, TERMINATING, TERMINATED. {@code instanceId} is null until the provider
 * answered.
 */
public record NodeInstance(
    String bootstrapId,
    String clusterId,
    String nodeGroupId,
    String nodeName,
    String instanceId,
    String instanceType,
    String launchToken,
    String state,
    String message,
    Instant createdAt,
    Instant registeredAt,
    Instant lastHeartbeatAt,
    long version) {

  public NodeInstance with(String newState, String newMessage) {
    return new NodeInstance(
        bootstrapId,
        clusterId,
        nodeGroupId,
        nodeName,
        instanceId,
        instanceType,
        launchToken,
        newState,
        newMessage,
        createdAt,
        registeredAt,
        lastHeartbeatAt,
        version);
  }

  public NodeInstance withInstanceId(String id) {
    return new NodeInstance(
        bootstrapId,
        clusterId,
        nodeGroupId,
        nodeName,
        id,
        instanceType,
        launchToken,
        state,
        message,
        createdAt,
        registeredAt,
        lastHeartbeatAt,
        version);
  }

  public NodeInstance registered(Instant at) {
    return new NodeInstance(
        bootstrapId,
        clusterId,
        nodeGroupId,
        nodeName,
        instanceId,
        instanceType,
        launchToken,
        "REGISTERED",
        message,
        createdAt,
        at,
        at,
        version);
  }

  public NodeInstance heartbeat(String newState, String newMessage, Instant at) {
    return new NodeInstance(
        bootstrapId,
        clusterId,
        nodeGroupId,
        nodeName,
        instanceId,
        instanceType,
        launchToken,
        newState,
        newMessage,
        createdAt,
        registeredAt,
        at,
        version);
  }

  public boolean live() {
    return !state.equals("TERMINATED");
  }
}
