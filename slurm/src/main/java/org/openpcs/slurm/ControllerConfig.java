package org.openpcs.slurm;

import java.nio.file.Path;
import java.util.List;
import org.openpcs.domain.CustomSetting;

/**
 * Cluster-wide slurm.conf values. The power-saving programs may be null (no cloud nodes). {@code
 * clusterName} is Slurm's ClusterName (lower case, the PCS cluster id).
 */
public record ControllerConfig(
    String clusterName,
    String controlAddress,
    int slurmctldPort,
    int maxJobCount,
    int suspendTimeSeconds,
    Path resumeProgram,
    Path suspendProgram,
    Path resumeFailProgram,
    List<CustomSetting> slurmCustomSettings,
    List<CustomSetting> cgroupCustomSettings) {}
