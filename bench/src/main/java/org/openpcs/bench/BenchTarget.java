package org.openpcs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;

/**
 * The server a run talks to: one started in this process (H2 in a temporary data dir, or a fresh
 * PostgreSQL database), or one already running on this machine. Closing it stops and removes what
 * it started.
 */
final class BenchTarget implements AutoCloseable {
  /** The scheduler version the bench's clusters use; in-process servers are told to accept it. */
  static final String SCHEDULER_VERSION = "24.11";

  /**
   * In-process servers get generous queue and cluster quotas: the queue cycle keeps a few queues
   * alive at once (created, waiting for ACTIVE, deleting), and the bench measures latency, not how
   * soon the PCS default of 10 queues per cluster is reached.
   */
  static final Quotas BENCH_QUOTAS = withQueuesPerCluster(Quotas.defaults(), 10_000);

  private final String store;
  private final String description;
  private final URI endpoint;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String region;
  private final OpenPcsServer server;
  private final Path tempDir;
  private final PostgresDatabase database;

  private BenchTarget(
      String store,
      String description,
      URI endpoint,
      String accessKeyId,
      String secretAccessKey,
      String region,
      OpenPcsServer server,
      Path tempDir,
      PostgresDatabase database) {
    this.store = store;
    this.description = description;
    this.endpoint = endpoint;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.region = region;
    this.server = server;
    this.tempDir = tempDir;
    this.database = database;
  }

  /**
   * A server in this process on a free loopback port, with H2 ({@code database == null}) or
   * PostgreSQL.
   */
  static BenchTarget inProcess(String store, PostgresDatabase database) {
    Path dir;
    try {
      dir = Files.createTempDirectory("openpcs-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerConfig config =
        new ServerConfig(
            new InetSocketAddress("127.0.0.1", 0),
            dir,
            database == null ? null : database.jdbcUrl(),
            database == null ? null : database.user(),
            database == null ? null : database.password(),
            null,
            null,
            BENCH_QUOTAS,
            List.of(SCHEDULER_VERSION),
            // The production resync period of `openpcs server`, so its background load is
            // realistic.
            Duration.ofSeconds(10));
    OpenPcsServer server = null;
    boolean started = false;
    try {
      server = OpenPcsServer.start(config);
      AwsProfiles.Profile p =
          AwsProfiles.read(
                  config.awsDir().resolve("credentials"),
                  config.awsDir().resolve("config"),
                  "openpcs")
              .orElseThrow(
                  () -> new IllegalStateException("the server wrote no administrator profile"));
      String description =
          "in-process server at "
              + server.endpoint()
              + (database == null
                  ? ", embedded H2 in " + dir
                  : ", PostgreSQL database " + database.name());
      BenchTarget target =
          new BenchTarget(
              store,
              description,
              URI.create(server.endpoint()),
              p.accessKeyId(),
              p.secretAccessKey(),
              p.region() != null ? p.region() : "us-east-1",
              server,
              dir,
              database);
      started = true;
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // Whatever went wrong (even an Error such as a missing class), leave nothing behind.
      if (!started) {
        if (server != null) {
          server.close();
        }
        deleteTree(dir);
        if (database != null) {
          database.close();
        }
      }
    }
  }

  /**
   * A server that is already running on this machine, with credentials from an AWS-style profile.
   */
  static BenchTarget remote(URI endpoint, Path credentialsFile, String profile) {
    requireLoopback(endpoint.getHost(), "--endpoint-url");
    Path config = credentialsFile.resolveSibling("config");
    AwsProfiles.Profile p =
        AwsProfiles.read(credentialsFile, config, profile)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no profile '" + profile + "' in " + credentialsFile));
    if (p.accessKeyId() == null || p.secretAccessKey() == null) {
      throw new IllegalArgumentException(
          "profile '" + profile + "' in " + credentialsFile + " has no access key");
    }
    return new BenchTarget(
        "remote",
        "server at " + endpoint + " (profile " + profile + ")",
        endpoint,
        p.accessKeyId(),
        p.secretAccessKey(),
        p.region() != null ? p.region() : "us-east-1",
        null,
        null,
        null);
  }

  private static Quotas withQueuesPerCluster(Quotas q, int n) {
    return new Quotas(
        q.clustersPerServer(),
        q.nodeGroupsPerCluster(),
        n,
        q.tagsPerResource(),
        q.idempotencyTtl(),
        q.paginationTokenTtl());
  }

  /** Refuses anything but this machine: the bench must never send load elsewhere. */
  static void requireLoopback(String host, String what) {
    if (host == null) {
      throw new IllegalArgumentException(what + " needs a host (127.0.0.1)");
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException(
              what + " must point at this machine (127.0.0.1), not " + host);
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + ": unknown host " + host);
    }
  }

  String store() {
    return store;
  }

  String description() {
    return description;
  }

  /**
   * The official SDK client over Apache HTTP with a pool of {@code maxConnections}, and no retries:
   * a retry would hide an error and stretch a latency.
   */
  PcsClient client(int maxConnections) {
    return PcsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .httpClientBuilder(
            ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionAcquisitionTimeout(Duration.ofSeconds(30))
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                // Below the JDK server's 30 s idle timeout, so the pool never reuses a connection
                // the
                // server has already closed.
                .connectionMaxIdleTime(Duration.ofSeconds(20))
                .tcpKeepAlive(true))
        .overrideConfiguration(
            c ->
                c.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
      if (tempDir != null) {
        deleteTree(tempDir);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp dir is not worth failing a benchmark for.
    }
  }
}
