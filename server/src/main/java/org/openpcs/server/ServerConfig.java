package org.openpcs.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openpcs.domain.Quotas;

/**
 * Everything the server needs to start. {@code databaseUrl} null means the embedded H2 file in the
 * data dir; {@code region}/{@code accountId} null mean "as stored at first start" (defaults
 * us-east-1 and a random 12-digit account).
 */
public record ServerConfig(
    InetSocketAddress listen,
    Path dataDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String region,
    String accountId,
    Quotas quotas,
    List<String> extraSchedulerVersions,
    Duration resyncPeriod,
    Infrastructure infrastructure,
    String slurmPorts,
    String controlAddress,
    Duration eventRetention,
    double spotInterruptionRate) {

  /** How long events are kept unless {@code --event-retention} says otherwise. */
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);

  /**
   * With the default event retention and without random spot interruptions.
   *
   * @see #withEventRetention
   * @see #withSpotInterruptionRate
   */
  public ServerConfig(
      InetSocketAddress listen,
      Path dataDir,
      String databaseUrl,
      String databaseUser,
      String databasePassword,
      String region,
      String accountId,
      Quotas quotas,
      List<String> extraSchedulerVersions,
      Duration resyncPeriod,
      Infrastructure infrastructure,
      String slurmPorts,
      String controlAddress) {
    this(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        infrastructure,
        slurmPorts,
        controlAddress,
        DEFAULT_EVENT_RETENTION,
        0);
  }

  /**
   * For testing: the local provider delivers spot interruption notices at random, {@code
   * perInstanceHour} per running spot instance and hour on average.
   */
  public ServerConfig withSpotInterruptionRate(double perInstanceHour) {
    return new ServerConfig(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        infrastructure,
        slurmPorts,
        controlAddress,
        eventRetention,
        perInstanceHour);
  }

  /**
   * What resources become. SLURM: real controllers and instances on this host (the product). NONE:
   * API only — resources become ACTIVE without infrastructure (for infrastructure-as-code dry runs
   * and API tests).
   */
  public enum Infrastructure {
    SLURM,
    NONE
  }

  public static final String DEFAULT_SLURM_PORTS = "17000-19999";

  /** An API-only configuration (no infrastructure), as the API tests and benchmarks use. */
  public ServerConfig(
      InetSocketAddress listen,
      Path dataDir,
      String databaseUrl,
      String databaseUser,
      String databasePassword,
      String region,
      String accountId,
      Quotas quotas,
      List<String> extraSchedulerVersions,
      Duration resyncPeriod) {
    this(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        Infrastructure.NONE,
        DEFAULT_SLURM_PORTS,
        "127.0.0.1");
  }

  public ServerConfig withInfrastructure(Infrastructure infra) {
    return new ServerConfig(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        infra,
        slurmPorts,
        controlAddress,
        eventRetention,
        spotInterruptionRate);
  }

  public ServerConfig withSlurmPorts(String ports) {
    return new ServerConfig(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        infrastructure,
        ports,
        controlAddress,
        eventRetention,
        spotInterruptionRate);
  }

  public ServerConfig withEventRetention(Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the event retention must be positive");
    }
    return new ServerConfig(
        listen,
        dataDir,
        databaseUrl,
        databaseUser,
        databasePassword,
        region,
        accountId,
        quotas,
        extraSchedulerVersions,
        resyncPeriod,
        infrastructure,
        slurmPorts,
        controlAddress,
        retention,
        spotInterruptionRate);
  }

  public static Path defaultDataDir() {
    String home = System.getenv("OPENPCS_HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".openpcs");
  }

  public Path awsDir() {
    return dataDir.resolve("aws");
  }
}
