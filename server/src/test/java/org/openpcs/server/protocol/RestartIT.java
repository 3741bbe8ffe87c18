package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openpcs.api.InvalidRequests;
import org.openpcs.api.auth.SigV4;
import org.openpcs.server.TestServer;

/**
 * The server as a real process: everything it acknowledged survives {@code kill -9} (resources,
 * statuses, tags, idempotency records, pagination tokens, the administrator key), on H2 and on
 * PostgreSQL; SIGTERM stops it cleanly.
 */
class RestartIT {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  @Test
  void everythingSurvivesKill9OnH2() {
    scenario(TestServer.tempDir(), List.of());
  }

  @Test
  void everythingSurvivesKill9OnPostgres() throws SQLException {
    String db = "openpcs_restart_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    try {
      scenario(
          TestServer.tempDir(),
          List.of("--database-url", POSTGRES + db, "--database-user", "postgres"));
    } finally {
      try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", null);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  @Test
  void sigtermStopsTheServerCleanly() {
    Path dir = TestServer.tempDir();
    try (ServerProcess p = ServerProcess.start(dir, ServerProcess.freePort(), List.of())) {
      try (RawPcs pcs = new RawPcs(p.endpoint(), p.adminCredentials())) {
        pcs.ok("ListClusters", RawPcs.object());
      }
      int exit = p.terminate(Duration.ofSeconds(10));
      assertThat(exit).as("exit code after SIGTERM; log: %s", p.log()).isIn(0, 143);
      p.awaitLogLine("OpenPCS stopped", Duration.ofSeconds(5));
      assertThat(p.log()).noneMatch(l -> l.contains("ERROR") || l.contains("Exception"));
    }
  }

  private record Before(
      ObjectNode snapshot,
      JsonNode tokenCreate,
      ObjectNode tokenRequest,
      JsonNode tokenQueueCreate,
      ObjectNode tokenQueueRequest,
      Map<String, ObjectNode> pageRequests,
      Map<String, JsonNode> pageAnswers) {}

  private static void scenario(Path dataDir, List<String> args) {
    int port = ServerProcess.freePort();
    SigV4.Credentials admin;
    Before before;
    try (ServerProcess first = ServerProcess.start(dataDir, port, args)) {
      admin = first.adminCredentials();
      try (RawPcs pcs = new RawPcs(first.endpoint(), admin)) {
        before = populate(pcs);
      }
      int exit = first.kill9();
      assertThat(exit).as("exit code of a SIGKILLed process").isEqualTo(137);
      assertThat(first.log()).noneMatch(l -> l.contains("OpenPCS stopped"));
      assertThat(first.log()).noneMatch(l -> l.contains(admin.secretAccessKey()));
    }
    // Nothing answers on the port any more.
    try (RawPcs dead = new RawPcs(java.net.URI.create("http://127.0.0.1:" + port + "/"), admin)) {
      assertThatThrownBy(() -> dead.call("ListClusters", RawPcs.object()))
          .isInstanceOf(UncheckedIOException.class);
    }

    try (ServerProcess second = ServerProcess.start(dataDir, port, args)) {
      assertThat(second.adminCredentials()).as("the administrator key is kept").isEqualTo(admin);
      try (RawPcs pcs = new RawPcs(second.endpoint(), admin)) {
        verify(pcs, before);
      }
      assertThat(second.log()).noneMatch(l -> l.contains(admin.secretAccessKey()));
      int exit = second.terminate(Duration.ofSeconds(10));
      assertThat(exit).as("exit code after SIGTERM; log: %s", second.log()).isIn(0, 143);
      second.awaitLogLine("OpenPCS stopped", Duration.ofSeconds(5));
    }
  }

  private static Before populate(RawPcs pcs) {
    ObjectNode alpha = InvalidRequests.validRequest("CreateCluster").put("clusterName", "alpha");
    alpha.putObject("tags").put("team", "hpc").put("env", "restart").put("gone", "soon");
    pcs.ok("CreateCluster", alpha);
    pcs.ok(
        "CreateCluster", InvalidRequests.validRequest("CreateCluster").put("clusterName", "beta"));
    ObjectNode gamma =
        InvalidRequests.validRequest("CreateCluster")
            .put("clusterName", "gamma")
            .put("clientToken", "restart-token-cluster-1");
    JsonNode gammaCreated = pcs.ok("CreateCluster", gamma);
    for (String c : List.of("alpha", "beta", "gamma")) {
      Demo.waitActive(pcs, "GetCluster", RawPcs.object().put("clusterIdentifier", c), "cluster");
    }

    String alphaArn =
        pcs.ok("GetCluster", RawPcs.object().put("clusterIdentifier", "alpha"))
            .at("/cluster/arn")
            .asText();
    pcs.ok(
        "UntagResource",
        RawPcs.object()
            .put("resourceArn", alphaArn)
            .set("tagKeys", RawPcs.json("{\"k\":[\"gone\"]}").get("k")));

    for (String g : List.of("cpu", "gpu", "mem")) {
      ObjectNode group =
          InvalidRequests.validRequest("CreateComputeNodeGroup")
              .put("clusterIdentifier", "alpha")
              .put("computeNodeGroupName", g);
      group.putObject("tags").put("group", g);
      JsonNode created = pcs.ok("CreateComputeNodeGroup", group).get("computeNodeGroup");
      Demo.waitActive(
          pcs,
          "GetComputeNodeGroup",
          RawPcs.object().put("clusterIdentifier", "alpha").put("computeNodeGroupIdentifier", g),
          "computeNodeGroup");
      pcs.ok(
          "TagResource",
          RawPcs.object()
              .put("resourceArn", created.get("arn").asText())
              .set("tags", RawPcs.object().put("added", "later")));
    }
    JsonNode queueCreated = null;
    ObjectNode queueRequest = null;
    for (String q : List.of("queue-1", "queue-2", "queue-3")) {
      ObjectNode queue =
          InvalidRequests.validRequest("CreateQueue")
              .put("clusterIdentifier", "alpha")
              .put("queueName", q);
      ((ObjectNode) queue.get("computeNodeGroupConfigurations").get(0))
          .put("computeNodeGroupId", "cpu");
      queue.putObject("tags").put("queue", q);
      if (q.equals("queue-2")) {
        queue.put("clientToken", "restart-token-queue-2");
        queueRequest = queue;
        queueCreated = pcs.ok("CreateQueue", queue);
      } else {
        pcs.ok("CreateQueue", queue);
      }
      Demo.waitActive(
          pcs,
          "GetQueue",
          RawPcs.object().put("clusterIdentifier", "alpha").put("queueIdentifier", q),
          "queue");
    }

    // First pages of every list; the second page is what each token must still give after the
    // restart.
    Map<String, ObjectNode> pageRequests = new LinkedHashMap<>();
    Map<String, JsonNode> pageAnswers = new LinkedHashMap<>();
    Map<String, ObjectNode> firstPages =
        Map.of(
            "ListClusters", RawPcs.object().put("maxResults", 1),
            "ListComputeNodeGroups",
                RawPcs.object().put("clusterIdentifier", "alpha").put("maxResults", 1),
            "ListQueues", RawPcs.object().put("clusterIdentifier", "alpha").put("maxResults", 2));
    firstPages.forEach(
        (op, request) -> {
          JsonNode first = pcs.ok(op, request);
          assertThat(first.hasNonNull("nextToken")).as(op + " has more pages").isTrue();
          ObjectNode next = request.deepCopy().put("nextToken", first.get("nextToken").asText());
          pageRequests.put(op, next);
          pageAnswers.put(op, rest(pcs, op, next));
        });

    // One last acknowledged write, moments before the kill: it must survive like the rest.
    String betaArn =
        pcs.ok("GetCluster", RawPcs.object().put("clusterIdentifier", "beta"))
            .at("/cluster/arn")
            .asText();
    pcs.ok(
        "TagResource",
        RawPcs.object()
            .put("resourceArn", betaArn)
            .set("tags", RawPcs.object().put("last", "write")));

    ObjectNode snapshot = StoreSnapshot.take(pcs);
    assertThat(snapshot.get("clusters")).hasSize(3);
    return new Before(
        snapshot, gammaCreated, gamma, queueCreated, queueRequest, pageRequests, pageAnswers);
  }

  /**
   * Every item from the page {@code request} (which carries a nextToken) to the end, following the
   * tokens. Tokens themselves are compared by what they give, not by their text, which may carry
   * the time they were issued.
   */
  private static JsonNode rest(RawPcs pcs, String op, ObjectNode request) {
    String member = LIST_MEMBERS.get(op);
    com.fasterxml.jackson.databind.node.ArrayNode items = RawPcs.object().arrayNode();
    ObjectNode r = request.deepCopy();
    for (int page = 0; page < 100; page++) {
      JsonNode answer = pcs.ok(op, r);
      assertThat(answer.get(member).size())
          .as("%s page size", op)
          .isLessThanOrEqualTo(r.get("maxResults").asInt());
      items.addAll((com.fasterxml.jackson.databind.node.ArrayNode) answer.get(member));
      if (!answer.hasNonNull("nextToken")) {
        return items;
      }
      r.put("nextToken", answer.get("nextToken").asText());
    }
    throw new AssertionError(op + " never ends");
  }

  /** One line per resource: kind, name, status and tags. */
  private static List<String> inventory(JsonNode snapshot) {
    List<String> lines = new ArrayList<>();
    for (JsonNode c : snapshot.get("clusters")) {
      String cluster = c.at("/summary/name").asText();
      lines.add(
          "cluster "
              + cluster
              + " "
              + c.at("/cluster/cluster/status").asText()
              + " tags "
              + c.at("/tags/tags"));
      for (JsonNode g : c.get("computeNodeGroups")) {
        lines.add(
            "computeNodeGroup "
                + cluster
                + "/"
                + g.at("/summary/name").asText()
                + " "
                + g.at("/computeNodeGroup/computeNodeGroup/status").asText()
                + " tags "
                + g.at("/tags/tags"));
      }
      for (JsonNode q : c.get("queues")) {
        lines.add(
            "queue "
                + cluster
                + "/"
                + q.at("/summary/name").asText()
                + " "
                + q.at("/queue/queue/status").asText()
                + " tags "
                + q.at("/tags/tags"));
      }
    }
    return lines;
  }

  private static final Map<String, String> LIST_MEMBERS =
      Map.of(
          "ListClusters",
          "clusters",
          "ListComputeNodeGroups",
          "computeNodeGroups",
          "ListQueues",
          "queues");

  private static void verify(RawPcs pcs, Before before) {
    ObjectNode after = StoreSnapshot.take(pcs);
    // A readable inventory first, so that a failure says what was lost; then every detail.
    assertThat(inventory(after))
        .as("resources, statuses and tags after the restart")
        .isEqualTo(inventory(before.snapshot()));
    assertThat(after).as("everything visible survived").isEqualTo(before.snapshot());

    // Spelled out, so a failure says what was lost.
    List<String> statuses = new ArrayList<>();
    for (JsonNode c : after.get("clusters")) {
      statuses.add(c.at("/cluster/cluster/status").asText());
      c.get("computeNodeGroups")
          .forEach(g -> statuses.add(g.at("/computeNodeGroup/computeNodeGroup/status").asText()));
      c.get("queues").forEach(q -> statuses.add(q.at("/queue/queue/status").asText()));
    }
    assertThat(statuses).hasSize(9).containsOnly("ACTIVE");
    JsonNode alpha =
        after.get("clusters").findParents("summary").stream()
            .filter(c -> c.at("/summary/name").asText().equals("alpha"))
            .findFirst()
            .orElseThrow();
    assertThat(alpha.at("/tags/tags"))
        .isEqualTo(RawPcs.json("{\"team\":\"hpc\",\"env\":\"restart\"}"));
    assertThat(alpha.get("computeNodeGroups").findValues("tags"))
        .extracting(t -> t.get("tags"))
        .allSatisfy(t -> assertThat(t.get("added").asText()).isEqualTo("later"));
    assertThat(alpha.get("queues")).hasSize(3);
    JsonNode beta =
        after.get("clusters").findParents("summary").stream()
            .filter(c -> c.at("/summary/name").asText().equals("beta"))
            .findFirst()
            .orElseThrow();
    assertThat(beta.at("/tags/tags/last").asText()).isEqualTo("write");

    // Idempotency records survived: the same token and request replay the first result...
    RawPcs.Response replay = pcs.call("CreateCluster", before.tokenRequest());
    assertThat(replay.status()).as("%s", replay).isEqualTo(200);
    assertThat(replay.json()).isEqualTo(before.tokenCreate());
    RawPcs.Response queueReplay = pcs.call("CreateQueue", before.tokenQueueRequest());
    assertThat(queueReplay.status()).as("%s", queueReplay).isEqualTo(200);
    assertThat(queueReplay.json()).isEqualTo(before.tokenQueueCreate());
    // ...and the same token with another request is a conflict naming the token.
    ObjectNode other = before.tokenRequest().deepCopy().put("clusterName", "delta");
    RawPcs.Response conflict = pcs.call("CreateCluster", other);
    assertThat(conflict.status()).as("%s", conflict).isEqualTo(409);
    assertThat(conflict.errorType()).isEqualTo("ConflictException");
    assertThat(conflict.message()).contains("restart-token-cluster-1");
    assertThat(StoreSnapshot.take(pcs)).as("replays created nothing").isEqualTo(before.snapshot());

    // Pagination tokens issued before the restart still work.
    before
        .pageRequests()
        .forEach(
            (op, request) -> {
              RawPcs.Response r = pcs.call(op, request);
              assertThat(r.status()).as("%s with a pre-restart token: %s", op, r).isEqualTo(200);
              assertThat(rest(pcs, op, request)).as(op).isEqualTo(before.pageAnswers().get(op));
            });
  }
}
