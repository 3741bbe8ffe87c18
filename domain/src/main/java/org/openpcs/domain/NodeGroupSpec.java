package org.openpcs.domain;

import java.util.List;

/** What the user asked for a compute node group. {@code instanceTypes} is ordered by preference. */
public record NodeGroupSpec(
    String amiId,
    List<String> subnetIds,
    String purchaseOption,
    LaunchTemplate customLaunchTemplate,
    String iamInstanceProfileArn,
    int minInstanceCount,
    int maxInstanceCount,
    List<String> instanceTypes,
    String spotAllocationStrategy,
    List<CustomSetting> slurmCustomSettings) {

  public record LaunchTemplate(String id, String version) {}
}
