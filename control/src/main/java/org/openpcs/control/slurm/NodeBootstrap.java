package org.openpcs.control.slurm;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What every launched instance is told so that its agent can register: the API endpoint (known only
 * once the HTTP listener is up), the signing region, and the node access key, which may only
 * register and heartbeat.
 */
public record NodeBootstrap(
    Supplier<URI> endpoint, String region, String accessKeyId, String secretAccessKey) {
  @Override
  public String toString() {
    return "NodeBootstrap[region=" + region + ", key=" + accessKeyId + "]";
  }
}
