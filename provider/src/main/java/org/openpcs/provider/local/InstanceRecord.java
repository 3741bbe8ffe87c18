package org.openpcs.provider.local;

import java.util.Map;

/**
 * What {@code <stateDir>/<instanceId>/instance.json} holds: the launch request minus secrets (no
 * secret access key), the state, and the idempotency token. Times are ISO-8601 strings.
 */
record InstanceRecord(
    String instanceId,
    String instanceType,
    String purchaseOption,
    String launchTemplateId,
    String launchTemplateVersion,
    String imageId,
    Map<String, String> tags,
    String token,
    BootstrapInfo bootstrap,
    String state,
    String stateReason,
    String privateIp,
    String launchedAt,
    String terminatedAt) {

  static final String FILE = "instance.json";

  /** The bootstrap without the secret access key. */
  record BootstrapInfo(
      String endpoint,
      String region,
      String accessKeyId,
      String clusterId,
      String bootstrapId,
      boolean login) {}

  InstanceRecord withState(String newState, String reason, String terminated) {
    return new InstanceRecord(
        instanceId,
        instanceType,
        purchaseOption,
        launchTemplateId,
        launchTemplateVersion,
        imageId,
        tags,
        token,
        bootstrap,
        newState,
        reason,
        privateIp,
        launchedAt,
        terminated);
  }
}
