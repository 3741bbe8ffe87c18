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
    double spotInterruptionRate,
    boolean startPoweredUpJobs) {

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
        0,
        false);
  }

  /**
   * For testing: the local provider delivers spot interruption notices at random, {@code
   * perInstanceHour} per running spot instance and hour on average.
   */
  public ServerConfig withSpotInterruptionRate(double perInstanceHour) {
    Copy c = new Copy(this);
    c.spotInterruptionRate = perInstanceHour;
    return c.build();
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

  /**
   * Also requeues a job held on freshly powered-up nodes that are up when it has no start gate (D55
   * starts every job with one), before its script ran, so that it starts now instead of at Slurm
   * 22.05's 30 s pass (it shows {@code Restarts=1}); see PoweredUpJobStarter (D20).
   */
  public ServerConfig withStartPoweredUpJobs(boolean start) {
    Copy c = new Copy(this);
    c.startPoweredUpJobs = start;
    return c.build();
  }

  public ServerConfig withInfrastructure(Infrastructure infra) {
    Copy c = new Copy(this);
    c.infrastructure = infra;
    return c.build();
  }

  public ServerConfig withSlurmPorts(String ports) {
    Copy c = new Copy(this);
    c.slurmPorts = ports;
    return c.build();
  }

  public ServerConfig withEventRetention(Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the event retention must be positive");
    }
    Copy c = new Copy(this);
    c.eventRetention = retention;
    return c.build();
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

  /** A record with one component changed: the withers above name only what they change. */
  private static final class Copy {
    private InetSocketAddress listen;
    private Path dataDir;
    private String databaseUrl;
    private String databaseUser;
    private String databasePassword;
    private String region;
    private String accountId;
    private Quotas quotas;
    private List<String> extraSchedulerVersions;
    private Duration resyncPeriod;
    private Infrastructure infrastructure;
    private String slurmPorts;
    private String controlAddress;
    private Duration eventRetention;
    private double spotInterruptionRate;
    private boolean startPoweredUpJobs;

    Copy(ServerConfig c) {
      listen = c.listen;
      dataDir = c.dataDir;
      databaseUrl = c.databaseUrl;
      databaseUser = c.databaseUser;
      databasePassword = c.databasePassword;
      region = c.region;
      accountId = c.accountId;
      quotas = c.quotas;
      extraSchedulerVersions = c.extraSchedulerVersions;
      resyncPeriod = c.resyncPeriod;
      infrastructure = c.infrastructure;
      slurmPorts = c.slurmPorts;
      controlAddress = c.controlAddress;
      eventRetention = c.eventRetention;
      spotInterruptionRate = c.spotInterruptionRate;
      startPoweredUpJobs = c.startPoweredUpJobs;
    }

    ServerConfig build() {
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
          spotInterruptionRate,
          startPoweredUpJobs);
    }
  }
}
