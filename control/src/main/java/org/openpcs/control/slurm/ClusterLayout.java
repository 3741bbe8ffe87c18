package org.openpcs.control.slurm;

import java.util.Map;

/**
 * The host-level facts of one cluster that are not in its spec: the slurmctld port and each node's
 * slurmd port (allocated from the server's port range and stored, so a restart renders the same
 * config).
 */
public record ClusterLayout(
    String controlAddress, int slurmctldPort, Map<String, Integer> nodePorts) {}
