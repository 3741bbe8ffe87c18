package org.openpcs.domain;

import java.util.List;

/** What the user asked for a cluster; written by the API only. */
public record ClusterSpec(
    String schedulerType,
    String schedulerVersion,
    Size size,
    Networking networking,
    SlurmConfig slurm) {

  public record Networking(
      List<String> subnetIds, List<String> securityGroupIds, String networkType) {}

  /**
   * Cluster-level Slurm options. {@code accountingMode}/{@code slurmRestMode} are {@code STANDARD}
   * or {@code NONE}; {@code defaultPurgeTimeInDays} is -1 when accounting keeps records forever.
   */
  public record SlurmConfig(
      int scaleDownIdleTimeInSeconds,
      List<CustomSetting> slurmCustomSettings,
      List<CustomSetting> slurmdbdCustomSettings,
      List<CustomSetting> cgroupCustomSettings,
      String accountingMode,
      int defaultPurgeTimeInDays,
      String slurmRestMode) {}
}
