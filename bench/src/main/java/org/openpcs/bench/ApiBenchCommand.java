package org.openpcs.bench;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench api}: latency and throughput of GetCluster and of CreateQueue/DeleteQueue
 * cycles under open-loop load, on an in-process server with H2 and/or PostgreSQL, or on a server
 * already running on this machine. See {@link ApiBench} for what exactly is measured.
 */
@Command(
    name = "api",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure API latency (p50/p90/p99/max) and throughput under open-loop load: GetCluster, and"
          + " CreateQueue+DeleteQueue cycles (rate/2 cycles per second; GetQueue polls until ACTIVE are"
          + " reported on their own row). Target: p99 < 20 ms at 200 requests/s.",
      "Starts an in-process server per store unless --endpoint-url is given. Stops by itself; sends"
          + " traffic only to 127.0.0.1."
    })
public final class ApiBenchCommand implements Callable<Integer> {
  enum StoreChoice {
    h2,
    postgres,
    both
  }

  enum WorkloadChoice {
    all,
    get_cluster,
    queue_cycle
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--store",
      description = "h2, postgres or both (default ${DEFAULT-VALUE}); in-process servers only.",
      defaultValue = "both")
  StoreChoice store;

  @Option(
      names = "--rate",
      paramLabel = "REQ/S",
      description = "Requests per second each workload offers (default ${DEFAULT-VALUE}).",
      defaultValue = "200")
  double rate;

  @Option(
      names = "--seconds",
      description = "Measured seconds per workload (default ${DEFAULT-VALUE}).",
      defaultValue = "20")
  int seconds;

  @Option(
      names = "--warmup-seconds",
      description =
          "Unmeasured seconds at the same rate before each workload (default ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int warmupSeconds;

  @Option(
      names = "--workload",
      description = "all, get_cluster or queue_cycle (default ${DEFAULT-VALUE}).",
      defaultValue = "all")
  WorkloadChoice workload;

  @Option(
      names = "--database-url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL server to use; the bench creates a fresh database on it and drops it afterwards (default ${DEFAULT-VALUE}).",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/postgres")
  String databaseUrl;

  @Option(
      names = "--database-user",
      description = "PostgreSQL user (default ${DEFAULT-VALUE}).",
      defaultValue = "postgres")
  String databaseUser;

  @Option(
      names = "--database-password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the PostgreSQL password.")
  String databasePasswordEnv;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description = "Benchmark a server already running on this machine instead of starting one.")
  URI endpointUrl;

  @Option(
      names = "--profile",
      description = "Profile with the credentials for --endpoint-url (default ${DEFAULT-VALUE}).",
      defaultValue = "openpcs")
  String profile;

  @Option(
      names = "--credentials-file",
      paramLabel = "FILE",
      description =
          "AWS-style credentials file holding --profile (default: the one the server writes, $OPENPCS_HOME/aws/credentials or ~/.openpcs/aws/credentials).")
  Path credentialsFile;

  @Option(
      names = "--scheduler-version",
      description = "Slurm version for the bench's cluster (default ${DEFAULT-VALUE}).",
      defaultValue = BenchTarget.SCHEDULER_VERSION)
  String schedulerVersion;

  @Option(
      names = "--poll-interval-ms",
      description = "Pause before each GetQueue poll in a queue cycle (default ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int pollIntervalMs;

  // Not more: the server's HTTP front (the JDK's HttpServer) keeps at most 200 idle keep-alive
  // connections and silently closes any other one after its response, which a client without
  // retries sees as NoHttpResponseException on its next request over it.
  @Option(
      names = "--max-connections",
      description =
          "HTTP connection pool size of the SDK client (default ${DEFAULT-VALUE}, the server's idle keep-alive limit).",
      defaultValue = "200")
  int maxConnections;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(rate > 0)
        || seconds < 1
        || warmupSeconds < 0
        || pollIntervalMs < 1
        || maxConnections < 1) {
      err.println(
          "bench api: --rate and --seconds must be positive, --warmup-seconds not negative.");
      return 2;
    }
    Machine machine = Machine.current();
    ApiBench.Settings settings =
        new ApiBench.Settings(
            rate,
            Duration.ofSeconds(seconds),
            Duration.ofSeconds(warmupSeconds),
            Duration.ofMillis(pollIntervalMs),
            maxConnections,
            switch (workload) {
              case all -> List.of(ApiBench.Workload.GET_CLUSTER, ApiBench.Workload.QUEUE_CYCLE);
              case get_cluster -> List.of(ApiBench.Workload.GET_CLUSTER);
              case queue_cycle -> List.of(ApiBench.Workload.QUEUE_CYCLE);
            },
            schedulerVersion);
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    err.println("bench api on " + machine.describe());
    err.flush();

    List<ApiBenchReport.StoreRun> runs = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String s : stores()) {
      try (BenchTarget target = target(s)) {
        err.println(s + ": " + target.description());
        err.flush();
        runs.add(new ApiBench(target, settings, new java.io.PrintStream(System.err, true)).run());
      } catch (RuntimeException e) {
        failures.add(s + ": " + e.getMessage());
        err.println(s + ": benchmark failed: " + e);
        err.flush();
      }
    }

    ApiBenchReport report =
        new ApiBenchReport("api", started, machine, settingsMap(), runs, failures);
    out.println();
    out.print(report.table());
    out.println();
    out.print(report.notes());
    out.println(
        "Latency is measured from when each request was due on the fixed arrival timeline (open loop)."
            + " CreateQueue/DeleteQueue rows are the two halves of each cycle; GetQueue (poll) rows are the"
            + " extra requests that wait for ACTIVE and are in no cycle latency.");
    out.flush();
    if (json != null) {
      report.writeJson(json);
      out.println("JSON written to " + json);
      out.flush();
    }
    return failures.isEmpty() ? 0 : 1;
  }

  private List<String> stores() {
    if (endpointUrl != null) {
      return List.of("remote");
    }
    return switch (store) {
      case h2 -> List.of("h2");
      case postgres -> List.of("postgres");
      case both -> List.of("h2", "postgres");
    };
  }

  private BenchTarget target(String s) {
    return switch (s) {
      case "remote" ->
          BenchTarget.remote(
              endpointUrl,
              credentialsFile != null
                  ? credentialsFile
                  : ServerConfig.defaultDataDir().resolve("aws").resolve("credentials"),
              profile);
      case "h2" -> BenchTarget.inProcess("h2", null);
      case "postgres" ->
          BenchTarget.inProcess(
              "postgres",
              PostgresDatabase.create(
                  databaseUrl,
                  databaseUser,
                  databasePasswordEnv == null ? null : System.getenv(databasePasswordEnv)));
      default -> throw new IllegalArgumentException(s);
    };
  }

  private Map<String, Object> settingsMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stores", stores());
    m.put("endpointUrl", endpointUrl == null ? null : endpointUrl.toString());
    m.put("ratePerSecond", rate);
    m.put("queueCyclesPerSecond", rate / 2);
    m.put("measuredSeconds", seconds);
    m.put("warmupSeconds", warmupSeconds);
    m.put("pollIntervalMs", pollIntervalMs);
    m.put("maxConnections", maxConnections);
    m.put("workloads", workload.name());
    m.put("targetP99Ms", ApiBench.TARGET_P99_MS);
    m.put("targetRatePerSecond", ApiBench.TARGET_RATE);
    m.put("client", "AWS SDK for Java v2 PcsClient, Apache HTTP client, no retries");
    return m;
  }
}
