package org.openpcs.provider;

import java.net.URI;

/**
 * What an instance's agent is given at boot: where the API is, its signing region and credentials
 * (a node key that may only register and heartbeat), the cluster, and its single-use bootstrap id.
 * {@code login} instances run no slurmd.
 */
public record Bootstrap(
    URI endpoint,
    String region,
    String accessKeyId,
    String secretAccessKey,
    String clusterId,
    String bootstrapId,
    boolean login) {
  @Override
  public String toString() {
    return "Bootstrap[endpoint=" + endpoint + ", cluster=" + clusterId + ", login=" + login + "]";
  }
}
