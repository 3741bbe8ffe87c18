package org.openpcs.provider;

import java.util.Map;

/**
 * One instance to launch. {@code token} makes the call idempotent; {@code tags} carry ownership
 * ({@code aws:pcs:cluster-id}, {@code aws:pcs:compute-node-group-id}, {@code openpcs:node-name});
 * {@code imageId} may be null (the provider's default image); {@code bootstrap} is what the agent
 * on the instance needs to register (the provider's "user data").
 */
public record LaunchRequest(
    String token,
    String instanceType,
    String purchaseOption,
    String launchTemplateId,
    String launchTemplateVersion,
    String imageId,
    Map<String, String> tags,
    Bootstrap bootstrap) {}
