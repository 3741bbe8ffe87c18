package org.openpcs.slurm;

import java.util.List;
import org.openpcs.domain.CustomSetting;

/**
 * One Slurm node. {@code cloud} nodes are {@code State=CLOUD} (power-saved, started on demand); the
 * others are static. Resources come from the instance type catalog; {@code port} is the node's own
 * slurmd port (several slurmd share a host).
 */
public record NodeLine(
    String name,
    String address,
    int port,
    boolean cloud,
    int cpus,
    long realMemoryMiB,
    int gpus,
    List<String> features,
    List<CustomSetting> settings) {}
