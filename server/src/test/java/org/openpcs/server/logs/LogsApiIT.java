package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.api.PcsJson;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import org.openpcs.server.TestServer;

/**
 * A real server (API only) with its log delivery: the audit log of real calls read back through
 * {@code OpenPCS.GetLogRecords}, that operation's validation, and a log store that never answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsApiIT {
  private static final String CLIENT_TOKEN = "body-member-that-must-not-be-logged-7d1f";
  private Running plain;

  record Running(OpenPcsServer server, Path dataDir, PcsHttpClient client, SigV4.Credentials admin)
      implements AutoCloseable {
    @Override
    public void close() {
      client.close();
      server.close();
    }
  }

  static Running start(LogOptions options) {
    Path dir = TestServer.tempDir();
    TestServer.registerTestTemplates(dir);
    ServerConfig config =
        new ServerConfig(
            new InetSocketAddress("127.0.0.1", 0),
            dir,
            null,
            null,
            null,
            null,
            null,
            Quotas.defaults(),
            TestServer.VERSIONS,
            Duration.ofMillis(500));
    try {
      OpenPcsServer server = OpenPcsServer.start(config, options);
      AwsProfiles.Profile p =
          AwsProfiles.read(dir.resolve("aws/credentials"), dir.resolve("aws/config"), "openpcs")
              .orElseThrow();
      SigV4.Credentials admin = new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey());
      return new Running(
          server, dir, new PcsHttpClient(URI.create(server.endpoint()), admin, p.region()), admin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  void startServer() {
    plain = start(LogOptions.defaults());
  }

  @AfterAll
  void stopServer() {
    plain.close();
  }

  private static ObjectNode body() {
    return PcsJson.mapper().createObjectNode();
  }

  private static String createCluster(PcsHttpClient c, String name) {
    ObjectNode req = body().put("clusterName", name).put("clientToken", CLIENT_TOKEN + name);
    req.putObject("scheduler").put("type", "SLURM").put("version", "24.11");
    req.put("size", "SMALL");
    req.putObject("networking").putArray("subnetIds").add("subnet-0123456789abcdef0");
    return c.call("CreateCluster", req).at("/cluster/id").asText();
  }

  /** Every record of a log, read page by page through the API. */
  static List<JsonNode> read(PcsHttpClient c, String cluster, String type) {
    List<JsonNode> all = new ArrayList<>();
    ObjectNode req = body().put("logType", type).put("limit", 7);
    if (cluster != null) {
      req.put("clusterIdentifier", cluster);
    }
    while (true) {
      JsonNode page = c.callTarget(GetLogRecordsOp.TARGET, req);
      page.get("records").forEach(all::add);
      if (page.get("records").size() < 7) {
        return all;
      }
      req.put("nextToken", page.get("nextToken").asText());
    }
  }

  /** Waits until the log holds a record matching {@code p} (delivery is asynchronous). */
  static JsonNode awaitRecord(
      PcsHttpClient c, String cluster, String type, Predicate<JsonNode> p, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<JsonNode> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = read(c, cluster, type);
      for (JsonNode r : seen) {
        if (p.test(r)) {
          return r;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + what + " in the " + type + " log of " + cluster + ": " + seen);
  }

  private static Predicate<JsonNode> call(String operation, String outcome) {
    return r ->
        operation.equals(r.path("operation").asText())
            && outcome.equals(r.path("outcome").asText());
  }

  @Test
  void everyCallIsAuditedInItsClustersLogOrTheServersWithoutBodiesOrSecrets() throws Exception {
    PcsHttpClient c = plain.client();
    String id = createCluster(c, "audited");
    c.call("GetCluster", body().put("clusterIdentifier", "audited"));
    c.call("ListClusters", body());
    assertThatThrownBy(() -> c.call("GetCluster", body().put("clusterIdentifier", "nosuch")))
        .isInstanceOf(PcsClientException.class);
    try (PcsHttpClient forged =
        new PcsHttpClient(
            URI.create(plain.server().endpoint()),
            new SigV4.Credentials(plain.admin().accessKeyId(), "wrong-secret-0123456789"),
            "us-east-1",
            new PcsHttpClient.Options(
                Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ZERO, Duration.ZERO))) {
      assertThatThrownBy(() -> forged.call("ListClusters", body()))
          .isInstanceOf(PcsClientException.class);
    }

    JsonNode created =
        awaitRecord(c, id, "audit", call("CreateCluster", "SUCCESS"), "CreateCluster");
    assertThat(created.get("resource").asText()).isEqualTo(id);
    assertThat(created.get("resource_id").asText()).isEqualTo(id);
    assertThat(created.get("principal").asText()).isEqualTo(plain.admin().accessKeyId());
    assertThat(created.get("http_status").asInt()).isEqualTo(200);
    assertThat(created.get("request_id").asText()).isNotBlank();
    assertThat(created.get("source_address").asText()).contains("127.0.0.1");
    assertThat(created.get("latency_ms").isNumber()).isTrue();
    JsonNode byName =
        awaitRecord(c, "audited", "audit", call("GetCluster", "SUCCESS"), "GetCluster by name");
    assertThat(byName.get("resource").asText()).isEqualTo("audited");

    awaitRecord(c, null, "audit", call("ListClusters", "SUCCESS"), "ListClusters");
    JsonNode missing =
        awaitRecord(
            c, null, "audit", call("GetCluster", "ResourceNotFoundException"), "the failed get");
    assertThat(missing.get("http_status").asInt()).isBetween(400, 499);
    awaitRecord(
        c,
        null,
        "audit",
        r -> r.path("outcome").asText().contains("Signature") && r.path("principal").isNull(),
        "the forged call");

    List<String> everything = new ArrayList<>();
    try (Stream<Path> files = Files.walk(plain.dataDir().resolve("logs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        everything.add(Files.readString(f));
      }
    }
    assertThat(String.join("\n", everything))
        .contains("CreateCluster")
        .doesNotContain(plain.admin().secretAccessKey())
        .doesNotContain("wrong-secret-0123456789")
        .doesNotContain(CLIENT_TOKEN)
        .doesNotContain("subnet-0123456789abcdef0");
  }

  @Test
  void getLogRecordsNamesEveryBadMemberAndKnowsItsClusters() {
    PcsHttpClient c = plain.client();
    ObjectNode bad =
        body()
            .put("clusterIdentifier", "1-not-a-name")
            .put("logType", "kernel")
            .put("since", "yesterday")
            .put("nextToken", "not-a-token")
            .put("limit", 0)
            .put("colour", "blue");

    assertThatThrownBy(() -> c.callTarget(GetLogRecordsOp.TARGET, bad))
        .isInstanceOfSatisfying(
            PcsClientException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ValidationException");
              assertThat(e.body().path("fieldList").findValuesAsText("name"))
                  .containsExactlyInAnyOrder(
                      "clusterIdentifier", "logType", "since", "nextToken", "limit", "colour");
            });
    assertThatThrownBy(
            () -> c.callTarget(GetLogRecordsOp.TARGET, body().put("logType", "scheduler")))
        .isInstanceOfSatisfying(
            PcsClientException.class,
            e -> assertThat(e.body().toString()).contains("clusterIdentifier"));
    assertThatThrownBy(
            () ->
                c.callTarget(
                    GetLogRecordsOp.TARGET,
                    body().put("logType", "jobcomp").put("clusterIdentifier", "nosuch")))
        .isInstanceOfSatisfying(
            PcsClientException.class,
            e -> assertThat(e.errorType()).isEqualTo("ResourceNotFoundException"));
  }

  @Test
  void aLogStoreThatNeverAnswersCostsTheApiNothingAndItsDropsAreCounted() throws Exception {
    try (ServerSocket hanging =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        held.add(hanging.accept()); // accepted, never read, never answered
                      }
                    } catch (IOException closed) {
                      // test over
                    }
                  });
      LogOptions withStore =
          new LogOptions(
              false,
              URI.create("http://127.0.0.1:" + hanging.getLocalPort() + "/ingest"),
              20,
              LogOptions.DEFAULT_MAX_FILE_BYTES,
              LogOptions.DEFAULT_KEPT_FILES);
      long baseline = medianGetClusterNanos(plain.client(), createCluster(plain.client(), "base"));
      Running slow = start(withStore);
      long closeNanos;
      try {
        String id = createCluster(slow.client(), "slowstore");
        long withHangingStore = medianGetClusterNanos(slow.client(), id);
        long drops = slow.server().logs().dropped().get("http");

        // 200 audited calls against a 20-record buffer whose consumer hangs: most are dropped.
        assertThat(drops).isGreaterThan(100);
        // Loosely flat: a hanging store must not add its timeouts (seconds) to API calls.
        assertThat(withHangingStore).isLessThan(baseline * 3 + TimeUnit.MILLISECONDS.toNanos(50));
        slow.client().call("GetCluster", body().put("clusterIdentifier", id));
        assertThat(slow.server().logs().dropped().get("http")).isGreaterThan(drops);
        // The files still have everything: their buffer drains.
        awaitRecord(slow.client(), id, "audit", call("GetCluster", "SUCCESS"), "GetCluster");
        assertThat(slow.server().logs().dropped().get("file")).isZero();
      } finally {
        long t = System.nanoTime();
        slow.close();
        closeNanos = System.nanoTime() - t;
      }
      assertThat(closeNanos).isLessThan(TimeUnit.SECONDS.toNanos(5));
      hanging.close();
      acceptor.join(1000);
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private static long medianGetClusterNanos(PcsHttpClient c, String id) {
    long[] t = new long[200];
    for (int i = 0; i < t.length; i++) {
      long start = System.nanoTime();
      c.call("GetCluster", body().put("clusterIdentifier", id));
      t[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(t);
    return t[t.length / 2];
  }
}
