package org.openpcs.slurm;

import java.util.List;

/** Everything that is rendered into one cluster's Slurm configuration files. */
public record SlurmConfig(
    ClusterPaths paths,
    ControllerConfig controller,
    List<NodeLine> nodes,
    List<PartitionLine> partitions) {}
