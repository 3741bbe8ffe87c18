package org.openpcs.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an agent was started: the API endpoint and node credentials, its cluster and single-use
 * bootstrap id, its instance directory (where it writes the key, logs and pid files), the launch
 * template's bootstrap script (may be null) and environment, and whether it is a login node (no
 * slurmd).
 *
 * <p>The last five components were added later and are optional ({@code null} = default): where the
 * node image's Slurm ({@code slurmd}) and munge ({@code munged}) binaries are, and the bounds on
 * registration (default 5 min), the bootstrap script (default 30 min) and the start of the daemons
 * (default 2 min). The original twelve-argument constructor is kept.
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
    Duration heartbeatInterval,
    Path slurmSbinDir,
    Path mungeSbinDir,
    Duration registrationTimeout,
    Duration bootstrapTimeout,
    Duration startTimeout) {

  public static final Path DEFAULT_SBIN = Path.of("/usr/sbin");
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BOOTSTRAP_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

  public AgentConfig {
    Objects.requireNonNull(instanceDir, "instanceDir");
    instanceDir = instanceDir.toAbsolutePath().normalize();
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    heartbeatInterval = positiveOr(heartbeatInterval, DEFAULT_HEARTBEAT_INTERVAL);
    slurmSbinDir = slurmSbinDir == null ? DEFAULT_SBIN : slurmSbinDir.toAbsolutePath();
    mungeSbinDir = mungeSbinDir == null ? DEFAULT_SBIN : mungeSbinDir.toAbsolutePath();
    registrationTimeout = positiveOr(registrationTimeout, DEFAULT_REGISTRATION_TIMEOUT);
    bootstrapTimeout = positiveOr(bootstrapTimeout, DEFAULT_BOOTSTRAP_TIMEOUT);
    startTimeout = positiveOr(startTimeout, DEFAULT_START_TIMEOUT);
  }

  /** The original form: default Slurm/munge locations and timeouts. */
  public AgentConfig(
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
    this(
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        clusterId,
        bootstrapId,
        instanceId,
        instanceDir,
        bootstrapScript,
        environment,
        login,
        heartbeatInterval,
        null,
        null,
        null,
        null,
        null);
  }

  /** A copy that runs the Slurm and munge binaries of another installation. */
  public AgentConfig withInstallation(Path slurmSbin, Path mungeSbin) {
    return new AgentConfig(
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        clusterId,
        bootstrapId,
        instanceId,
        instanceDir,
        bootstrapScript,
        environment,
        login,
        heartbeatInterval,
        slurmSbin,
        mungeSbin,
        registrationTimeout,
        bootstrapTimeout,
        startTimeout);
  }

  /** A copy with other bounds ({@code null} keeps the current one). */
  public AgentConfig withTimeouts(Duration registration, Duration bootstrap, Duration start) {
    return new AgentConfig(
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        clusterId,
        bootstrapId,
        instanceId,
        instanceDir,
        bootstrapScript,
        environment,
        login,
        heartbeatInterval,
        slurmSbinDir,
        mungeSbinDir,
        registration == null ? registrationTimeout : registration,
        bootstrap == null ? bootstrapTimeout : bootstrap,
        start == null ? startTimeout : start);
  }

  /** A copy that talks to another endpoint with other credentials (used when adopting). */
  public AgentConfig withEndpoint(
      URI newEndpoint, String newRegion, String newAccessKeyId, String newSecretAccessKey) {
    return new AgentConfig(
        newEndpoint,
        newRegion,
        newAccessKeyId,
        newSecretAccessKey,
        clusterId,
        bootstrapId,
        instanceId,
        instanceDir,
        bootstrapScript,
        environment,
        login,
        heartbeatInterval,
        slurmSbinDir,
        mungeSbinDir,
        registrationTimeout,
        bootstrapTimeout,
        startTimeout);
  }

  private static Duration positiveOr(Duration d, Duration dflt) {
    return d == null || d.isZero() || d.isNegative() ? dflt : d;
  }

  @Override
  public String toString() {
    return "AgentConfig[endpoint="
        + endpoint
        + ", cluster="
        + clusterId
        + ", instance="
        + instanceId
        + ", dir="
        + instanceDir
        + ", login="
        + login
        + "]";
  }
}
