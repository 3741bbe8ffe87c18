package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.openpcs.api.InvalidRequests;
import org.openpcs.api.InvalidRequests.Mutation;
import org.openpcs.api.ServiceModel;
import org.openpcs.server.TestServer;

/**
 * Generated invalid requests over raw signed HTTP: every single-constraint violation the model
 * allows, for every operation, is a 400 ValidationException naming the broken field and changes
 * nothing; random garbage never makes the server fail with a 5xx.
 */
class InvalidRequestsIT {
  private static final ServiceModel MODEL = ServiceModel.load();

  private static TestServer server;
  private static RawPcs pcs;
  private static Demo demo;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    pcs = new RawPcs(server.endpoint(), server.admin());
    demo = Demo.create(pcs);
  }

  @AfterAll
  static void stop() {
    if (pcs != null) {
      pcs.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * The model's sample request, pointed at resources that exist (or, for creates, at names that are
   * free), so that the broken constraint is the only thing wrong with each mutation.
   */
  static ObjectNode validRequest(String op, Demo demo) {
    ObjectNode r = InvalidRequests.validRequest(op);
    switch (op) {
      case "CreateCluster" -> r.put("clusterName", "fresh");
      case "CreateComputeNodeGroup" -> r.put("computeNodeGroupName", "fresh-group");
      case "CreateQueue" -> r.put("queueName", "fresh-queue");
      case "TagResource", "UntagResource", "ListTagsForResource" ->
          r.put("resourceArn", demo.clusterArn());
      default -> {}
    }
    return r;
  }

  @Test
  void everyOperationOfTheModelHasMutations() {
    assertThat(MODEL.operationNames()).hasSize(19);
    for (String op : MODEL.operationNames()) {
      assertThat(InvalidRequests.of(MODEL, op, validRequest(op, demo))).as(op).isNotEmpty();
    }
  }

  @TestFactory
  Stream<DynamicContainer> everyMutationIsAValidationErrorNamingTheFieldAndChangesNothing() {
    return MODEL.operationNames().stream()
        .map(
            op ->
                dynamicContainer(
                    op,
                    InvalidRequests.of(MODEL, op, validRequest(op, demo)).stream()
                        .map(m -> dynamicTest(m.description(), () -> rejected(op, m)))));
  }

  private static void rejected(String op, Mutation m) {
    ObjectNode before = StoreSnapshot.take(pcs);

    RawPcs.Response r = pcs.call(op, m.request());

    String what = op + " " + m.description() + " " + m.request();
    assertThat(r.status()).as(what + " -> " + r).isEqualTo(400);
    assertThat(r.errorType()).as(what + " -> " + r).isEqualTo("ValidationException");
    assertThat(r.reason()).as(what + " -> " + r).isEqualTo("fieldValidationFailed");
    assertThat(r.fieldNames()).as(what + " -> " + r).containsOnly(m.expectedField());
    assertThat(r.json().path("fieldList").findValuesAsText("message"))
        .as(what)
        .allSatisfy(s -> assertThat(s).isNotBlank());
    assertThat(r.message()).as(what).contains(m.expectedField());
    assertThat(r.requestId()).as(what).isNotBlank();
    assertThat(r.contentType()).as(what).isEqualTo(RawPcs.AMZ_JSON);
    assertThat(StoreSnapshot.take(pcs)).as("store after " + what).isEqualTo(before);
  }

  /**
   * The control experiment: without the mutation, the same requests pass validation (on a server of
   * their own, since they really create, update and delete).
   */
  @Test
  void theUnmutatedRequestsPassValidation() {
    try (TestServer own = TestServer.start();
        RawPcs client = new RawPcs(own.endpoint(), own.admin())) {
      Demo d = Demo.create(client);
      Map<String, RawPcs.Response> answers = new LinkedHashMap<>();
      for (String op : MODEL.operationNames()) {
        answers.put(op, client.call(op, validRequest(op, d)));
      }
      assertThat(answers)
          .allSatisfy(
              (op, r) -> {
                assertThat(r.status()).as(op + " -> " + r).isLessThan(500);
                assertThat(r.errorType()).as(op + " -> " + r).isNotEqualTo("ValidationException");
              });
      // Reads and creates of the sample requests succeed outright.
      for (String op :
          List.of(
              "GetCluster",
              "ListClusters",
              "CreateCluster",
              "GetComputeNodeGroup",
              "ListTagsForResource")) {
        assertThat(answers.get(op).status()).as(op + " -> " + answers.get(op)).isEqualTo(200);
      }
    }
  }

  /**
   * Seeded random garbage (set -Dgarbage.seed / -Dgarbage.count to reproduce or widen): wrong types
   * in random members, unknown members, deep nesting, huge strings, odd numbers, bad UTF-8. Every
   * answer is a well-formed AWS JSON response, never a 5xx, and the server stays healthy.
   */
  @Test
  void randomGarbageNeverCausesAServerError() {
    long seed = Long.getLong("garbage.seed", 20261101L);
    int count = Integer.getInteger("garbage.count", 1500);
    try (TestServer own = TestServer.start();
        RawPcs client = new RawPcs(own.endpoint(), own.admin())) {
      Demo d = Demo.create(client);
      List<String> ops = MODEL.operationNames();
      List<String> failures = new ArrayList<>();
      int rejected = 0;
      for (int i = 0; i < count && failures.size() < 20; i++) {
        long caseSeed = seed + i;
        Garbage g = new Garbage(caseSeed);
        String op = ops.get(Math.floorMod(Long.hashCode(caseSeed * 31), ops.size()));
        byte[] body = g.body(validRequest(op, d));
        RawPcs.Response r;
        try {
          r = client.send(client.spec(op, null).body(body));
        } catch (RuntimeException e) {
          failures.add(
              "seed " + caseSeed + " " + op + ": no answer: " + e + " for " + preview(body));
          continue;
        }
        if (r.status() >= 500
            || r.requestId() == null
            || !RawPcs.AMZ_JSON.equals(r.contentType())
            || (r.status() != 200 && r.errorType() == null)) {
          failures.add(
              "seed "
                  + caseSeed
                  + " "
                  + op
                  + ": "
                  + preview(r.rawBody())
                  + " for "
                  + preview(body));
        }
        if (r.status() == 400 && "ValidationException".equals(r.errorType())) {
          rejected++;
        }
      }
      assertThat(failures).isEmpty();
      // Most garbage must actually be garbage, or this test proves nothing.
      assertThat(rejected).isGreaterThan(count / 2);
      assertThat(client.get("/ready").status()).isEqualTo(200);
      assertThat(client.call("ListClusters", RawPcs.object()).status()).isEqualTo(200);
    }
  }

  private static String preview(byte[] b) {
    String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "...(" + b.length + " bytes)" : s;
  }
}
