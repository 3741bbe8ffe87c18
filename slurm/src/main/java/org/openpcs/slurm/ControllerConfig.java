package org.openpcs.slurm;

import java.nio.file.Path;
import java.util.List;
import org.openpcs.domain.CustomSetting;

/**
 * Cluster-wide slurm.conf values. The power-saving programs and the start gate ({@code
 * prologSlurmctld}, set with them) may be null (no cloud nodes). {@code clusterName} is Slurm's
 * ClusterName (lower case, the PCS cluster id). {@code suspendTimeoutSeconds} is how long a node
 * stays powering down after its SuspendProgram ran — it cannot be resumed meanwhile — so it should
 * be just long enough for its instance to be gone.
 */
public record ControllerConfig(
    String clusterName,
    String controlAddress,
    int slurmctldPort,
    int maxJobCount,
    int suspendTimeSeconds,
    int suspendTimeoutSeconds,
    Path resumeProgram,
    Path suspendProgram,
    Path resumeFailProgram,
    Path prologSlurmctld,
    List<CustomSetting> slurmCustomSettings,
    List<CustomSetting> cgroupCustomSettings) {}
