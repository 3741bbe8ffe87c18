package org.openpcs.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How an agent was started: the API endpoint and node credentials, its cluster and single-use
 * bootstrap id, its instance directory (where it writes the key, logs and pid files), the launch
 * template's bootstrap script (may be null) and environment, and whether it is a login node
 * (no slurmd).
 */
public record AgentConfig(
    URI endpoint,
    String region,
    String accessKeyId,
    String secretAccessKey,
    String clusterId,
    String bootstrapId,
    String instanceId,
    Path instanceDir,
    String bootstrapScript,
    Map<String, String> environment,
    boolean login,
    Duration heartbeatInterval) {

  @Override
  public String toString() {
    return "AgentConfig[endpoint=" + endpoint + ", cluster=" + clusterId + ", instance=" + instanceId + ", dir=" + instanceDir + ", login=" + login + "]";
  }
}
