package org.openpcs.provider.local;

import java.util.Map;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.LaunchRequest;

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

  /**
   * A new instance's record: RUNNING from {@code launchedAt}, as an EC2 instance is running while
   * its user data still boots it.
   */
  static InstanceRecord launched(
      String instanceId, LaunchRequest request, ResolvedLaunch resolved, String launchedAt) {
    Bootstrap b = resolved.bootstrap();
    return new InstanceRecord(
        instanceId,
        resolved.type().name(),
        request.purchaseOption(),
        resolved.templateId(),
        resolved.version().version(),
        resolved.image().id(),
        request.tags() == null ? Map.of() : Map.copyOf(request.tags()),
        request.token(),
        new BootstrapInfo(
            b.endpoint().toString(),
            b.region(),
            b.accessKeyId(),
            b.clusterId(),
            b.bootstrapId(),
            b.login()),
        LocalProvider.RUNNING,
        null,
        LocalProvider.PRIVATE_IP,
        launchedAt,
        null);
  }

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
