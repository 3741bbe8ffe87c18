package org.openpcs.server.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openpcs server}: runs the API server in the foreground until SIGTERM/SIGINT. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the OpenPCS API server in the foreground.")
public final class ServerCommand implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1:8080")
  String listen;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where state, keys and the embedded database live (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  @Option(
      names = "--database-url",
      paramLabel = "JDBC_URL",
      description =
          "jdbc:postgresql://... selects PostgreSQL; default: embedded H2 in the data dir.")
  String databaseUrl;

  @Option(names = "--database-user", description = "Database user (PostgreSQL).")
  String databaseUser;

  @Option(
      names = "--database-password-env",
      paramLabel = "VAR",
      description =
          "Name of the environment variable holding the database password (keeps it off the command line).")
  String databasePasswordEnv;

  @Option(
      names = "--region",
      description =
          "Region used in ARNs and the written profile (fixed at first start; default us-east-1).")
  String region;

  @Option(
      names = "--account-id",
      description = "12-digit account id used in ARNs (fixed at first start; default random).")
  String accountId;

  @Option(
      names = "--max-clusters",
      description = "Clusters this server may hold (default ${DEFAULT-VALUE}, as PCS).",
      defaultValue = "5")
  int maxClusters;

  @Option(
      names = "--idempotency-ttl",
      paramLabel = "DURATION",
      description = "How long a clientToken is remembered, ISO-8601 (default ${DEFAULT-VALUE}).",
      defaultValue = "PT8H")
  Duration idempotencyTtl;

  @Option(
      names = "--scheduler-versions",
      split = ",",
      description = "Slurm versions to accept besides the installed ones (testing only).")
  List<String> extraVersions = new ArrayList<>();

  @Option(
      names = "--infrastructure",
      description =
          "SLURM runs real controllers and instances here (default); NONE serves the API only.",
      defaultValue = "SLURM")
  ServerConfig.Infrastructure infrastructure;

  @Option(
      names = "--slurm-ports",
      paramLabel = "FIRST-LAST",
      description = "Ports for slurmctld and slurmd processes (default ${DEFAULT-VALUE}).",
      defaultValue = ServerConfig.DEFAULT_SLURM_PORTS)
  String slurmPorts;

  @Option(
      names = "--control-address",
      description = "Address nodes use to reach this host's slurmctld (default ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  String controlAddress;

  @Option(
      names = "--log-stdout",
      description = "Also write every log record (scheduler, jobcomp, scaling, audit) to stdout.")
  boolean logStdout;

  @Option(
      names = "--log-http-url",
      paramLabel = "URL",
      description = "Also POST log records, as JSON lines, to this log store URL.")
  java.net.URI logHttpUrl;

  @Option(
      names = "--log-buffer-records",
      description =
          "Records each log destination may hold before it drops (default ${DEFAULT-VALUE}).",
      defaultValue = "" + org.openpcs.server.logs.LogOptions.DEFAULT_BUFFER_RECORDS)
  int logBufferRecords;

  @Option(
      names = "--event-retention",
      paramLabel = "DURATION",
      description = "How long events are kept, ISO-8601 (default ${DEFAULT-VALUE}: 7 days).",
      defaultValue = "P7D")
  Duration eventRetention;

  @Option(
      names = "--spot-interruption-rate",
      paramLabel = "PER_INSTANCE_HOUR",
      description =
          "For testing: deliver spot interruption notices at random to running spot instances,"
              + " this many per instance and hour on average (default 0: none).",
      defaultValue = "0")
  double spotInterruptionRate;

  @Option(
      names = "--start-powered-up-jobs",
      description =
          "Also requeue a job waiting on freshly powered-up nodes that have come up when it has"
              + " no start gate (allocated before its cluster had one), so that it starts now"
              + " instead of at Slurm 22.05's 30 s pass (it shows Restarts=1). Jobs with a gate,"
              + " every job of a cluster with power saving, start when their nodes are up without"
              + " this. Jobs submitted with --no-requeue are left to Slurm.")
  boolean startPoweredUpJobs;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    OpenPcsServer server =
        OpenPcsServer.start(
            config,
            new org.openpcs.server.logs.LogOptions(
                logStdout,
                logHttpUrl,
                logBufferRecords,
                org.openpcs.server.logs.LogOptions.DEFAULT_MAX_FILE_BYTES,
                org.openpcs.server.logs.LogOptions.DEFAULT_KEPT_FILES));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  ServerConfig config() {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    String password = databasePasswordEnv == null ? null : System.getenv(databasePasswordEnv);
    return new ServerConfig(
            new InetSocketAddress(host, port),
            dataDir != null ? dataDir : ServerConfig.defaultDataDir(),
            databaseUrl,
            databaseUser,
            password,
            region,
            accountId,
            Quotas.defaults().withClustersPerServer(maxClusters).withIdempotencyTtl(idempotencyTtl),
            List.copyOf(extraVersions),
            Duration.ofSeconds(10),
            infrastructure,
            slurmPorts,
            controlAddress)
        .withEventRetention(eventRetention)
        .withSpotInterruptionRate(spotInterruptionRate)
        .withStartPoweredUpJobs(startPoweredUpJobs);
  }
}
