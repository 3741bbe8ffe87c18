package org.openpcs.domain;

/**
 * A daemon endpoint of a cluster (SLURMCTLD, SLURMDBD, SLURMRESTD). Port is a string on the wire.
 */
public record Endpoint(
    String type,
    String privateIpAddress,
    String publicIpAddress,
    String ipv6Address,
    String port) {}
