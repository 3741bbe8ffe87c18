package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpcs.api.InvalidRequests;
import org.openpcs.api.ServiceModel;
import org.openpcs.server.TestServer;

/** The AWS JSON 1.0 wire protocol as a raw HTTP client sees it. */
class ProtocolIT {
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

  /** Every PCS answer, success or error, carries the AWS envelope. */
  private static RawPcs.Response envelope(RawPcs.Response r) {
    assertThat(r.requestId()).as("x-amzn-RequestId of %s", r).isNotBlank();
    assertThat(r.contentType()).as("Content-Type of %s", r).isEqualTo(RawPcs.AMZ_JSON);
    assertThat(r.json().isObject()).as("JSON object body: %s", r).isTrue();
    if (r.status() != 200) {
      assertThat(r.errorType()).as("__type of %s", r).isNotBlank();
      assertThat(r.message()).as("message of %s", r).isNotBlank();
    }
    return r;
  }

  private static void validationError(RawPcs.Response r, int status, String reason) {
    envelope(r);
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    assertThat(r.errorType()).as("%s", r).isEqualTo("ValidationException");
    assertThat(r.reason()).as("%s", r).isEqualTo(reason);
  }

  private static ObjectNode getDemo() {
    return RawPcs.object().put("clusterIdentifier", "demo");
  }

  @Test
  void unknownOperationIsAValidationErrorWithReasonUnknownOperation() {
    RawPcs.Response r =
        pcs.send(pcs.spec("GetCluster", getDemo()).target("AWSParallelComputingService.Nope"));
    validationError(r, 400, "unknownOperation");
    assertThat(r.message()).contains("Nope");
  }

  @Test
  void missingTargetIsUnknownOperation() {
    validationError(
        pcs.send(pcs.spec("GetCluster", getDemo()).target(null)), 400, "unknownOperation");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AmazonEC2.GetCluster",
        "AWSParallelComputingServiceV2.GetCluster",
        "awsparallelcomputingservice.GetCluster",
        "GetCluster",
        "AWSParallelComputingService.",
        "AWSParallelComputingService.getCluster",
        "AWSParallelComputingService.GetCluster.Extra",
        ""
      })
  void wrongTargetIsUnknownOperation(String target) {
    validationError(
        pcs.send(pcs.spec("GetCluster", getDemo()).target(target)), 400, "unknownOperation");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"clusterIdentifier\": ",
        "not json",
        "[]",
        "[{\"clusterIdentifier\": \"demo\"}]",
        "\"demo\"",
        "42",
        "null",
        "{\"clusterIdentifier\": \"demo\",}",
        "{'clusterIdentifier': 'demo'}"
      })
  void unparsableBodyIsCannotParse(String body) {
    validationError(pcs.send(pcs.spec("GetCluster", null).body(body)), 400, "cannotParse");
  }

  /**
   * A body is one JSON value: anything after the object makes it unparsable, rather than being
   * silently dropped (the server must not act on a prefix of what the client signed and sent).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"clusterIdentifier\": \"demo\"}{\"clusterIdentifier\": \"x\"}",
        "{\"clusterIdentifier\": \"demo\"} trailing",
        "{\"clusterIdentifier\": \"demo\"}]"
      })
  void trailingContentAfterTheJsonObjectIsCannotParse(String body) {
    validationError(pcs.send(pcs.spec("GetCluster", null).body(body)), 400, "cannotParse");
  }

  /**
   * JSON the parser refuses by its safety limits (nesting depth, number length, name length) is
   * unparsable input like any other, not a server failure.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "nesting:1001",
        "nesting:5000",
        "objects:1001",
        "number:1001",
        "fraction:1200",
        "name:50001"
      })
  void jsonBeyondTheParsersLimitsIsCannotParse(String kind) {
    String[] k = kind.split(":");
    int n = Integer.parseInt(k[1]);
    String body =
        switch (k[0]) {
          case "nesting" -> "{\"clusterIdentifier\":" + "[".repeat(n) + "]".repeat(n) + "}";
          case "objects" ->
              "{\"clusterIdentifier\":" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "}";
          case "number" -> "{\"clusterIdentifier\":1" + "0".repeat(n - 1) + "}";
          case "fraction" -> "{\"clusterIdentifier\":1." + "0".repeat(n) + "}";
          default -> "{\"" + "n".repeat(n) + "\":1}";
        };
    validationError(pcs.send(pcs.spec("GetCluster", null).body(body)), 400, "cannotParse");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "text/plain",
        "application/x-amz-json-1.1",
        "application/xml",
        ""
      })
  void wrongContentTypeIsCannotParse(String contentType) {
    validationError(
        pcs.send(pcs.spec("GetCluster", getDemo()).contentType(contentType)), 400, "cannotParse");
  }

  @Test
  void missingContentTypeIsCannotParse() {
    validationError(
        pcs.send(pcs.spec("GetCluster", getDemo()).contentType(null)), 400, "cannotParse");
  }

  @Test
  void contentTypeParametersAreAccepted() {
    RawPcs.Response r =
        envelope(
            pcs.send(
                pcs.spec("GetCluster", getDemo())
                    .contentType(RawPcs.AMZ_JSON + "; charset=utf-8")));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.json().at("/cluster/name").asText()).isEqualTo("demo");
  }

  @Test
  void emptyBodyIsAnEmptyInput() {
    RawPcs.Response list = envelope(pcs.send(pcs.spec("ListClusters", null).body(new byte[0])));
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    assertThat(list.json().get("clusters").findValuesAsText("name")).contains("demo");

    // An empty body is {} and so still lacks required members.
    RawPcs.Response get = pcs.send(pcs.spec("GetCluster", null).body(new byte[0]));
    validationError(get, 400, "fieldValidationFailed");
    assertThat(get.fieldNames()).containsExactly("clusterIdentifier");
  }

  @Test
  void aBodyOverOneMebibyteIsRefusedAndNothingIsCreated() {
    ObjectNode before = StoreSnapshot.take(pcs);
    ObjectNode create = InvalidRequests.validRequest("CreateCluster").put("clusterName", "huge");
    create.putObject("tags").put("padding", "x".repeat(1 << 20));
    byte[] body = RawPcs.bytes(create);
    assertThat(body.length).isGreaterThan(1 << 20);

    RawPcs.Response r = pcs.send(pcs.spec("CreateCluster", null).body(body));

    envelope(r);
    assertThat(r.status()).as("%s", r).isBetween(400, 499);
    assertThat(r.errorType()).isEqualTo("ValidationException");
    assertThat(StoreSnapshot.take(pcs)).isEqualTo(before);
    // The connection state is sane afterwards: the next request works.
    assertThat(envelope(pcs.call("GetCluster", getDemo())).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE"})
  void otherMethodsOnTheRootAreClientErrors(String method) {
    RawPcs.Response unsigned =
        envelope(
            pcs.send(pcs.spec("ListClusters", null).method(method).body(new byte[0]).unsigned()));
    assertThat(unsigned.status()).as("%s", unsigned).isBetween(400, 499);

    RawPcs.Response signed =
        envelope(pcs.send(pcs.spec("ListClusters", null).method(method).body(new byte[0])));
    assertThat(signed.status()).as("%s", signed).isBetween(400, 499);
    assertThat(signed.errorType()).isEqualTo("ValidationException");
  }

  @Test
  void plainGetOfTheRootIsAClientError() {
    RawPcs.Response r = envelope(pcs.get("/"));
    assertThat(r.status()).as("%s", r).isBetween(400, 499);
  }

  @Test
  void postToAnotherPathIsAClientError() {
    RawPcs.Response r =
        envelope(pcs.send(pcs.spec("ListClusters", RawPcs.object()).path("/clusters")));
    assertThat(r.status()).as("%s", r).isBetween(400, 499);
  }

  @Test
  void everyResponseCarriesARequestIdAndTheAmzJsonContentType() {
    List<RawPcs.Response> all = new ArrayList<>();
    all.add(pcs.call("ListClusters", RawPcs.object()));
    all.add(pcs.call("GetCluster", getDemo()));
    all.add(pcs.call("GetCluster", RawPcs.object().put("clusterIdentifier", "no-such-cluster")));
    all.add(pcs.call("GetCluster", RawPcs.object()));
    all.add(pcs.send(pcs.spec("GetCluster", getDemo()).target("AWSParallelComputingService.Nope")));
    all.add(pcs.send(pcs.spec("GetCluster", getDemo()).unsigned()));
    all.add(pcs.send(pcs.spec("GetCluster", null).body("[")));
    all.add(pcs.call("CreateCluster", InvalidRequests.validRequest("CreateCluster")));
    all.add(
        pcs.call(
            "RegisterComputeNodeGroupInstance",
            InvalidRequests.validRequest("RegisterComputeNodeGroupInstance")));
    Set<String> ids = new HashSet<>();
    for (RawPcs.Response r : all) {
      envelope(r);
      ids.add(r.requestId());
    }
    assertThat(ids).as("request ids are unique").hasSize(all.size());
    assertThat(all.get(0).status()).isEqualTo(200);
  }

  /**
   * Each error is sent with the HTTP status its model shape declares, with the model's required
   * members.
   */
  @Test
  void errorStatusesAndMembersMatchTheModel() {
    ObjectNode bigGroup =
        InvalidRequests.validRequest("CreateComputeNodeGroup").put("computeNodeGroupName", "big");
    ((ObjectNode) bigGroup.get("scalingConfiguration")).put("maxInstanceCount", 1000);
    Map<String, RawPcs.Response> byType =
        Map.of(
            "ValidationException",
                pcs.call("GetCluster", RawPcs.object().put("clusterIdentifier", "-bad-")),
            "AccessDeniedException",
                pcs.call(
                    "RegisterComputeNodeGroupInstance",
                    InvalidRequests.validRequest("RegisterComputeNodeGroupInstance")),
            "ResourceNotFoundException",
                pcs.call("GetCluster", RawPcs.object().put("clusterIdentifier", "no-such-cluster")),
            "ConflictException",
                pcs.call("CreateCluster", InvalidRequests.validRequest("CreateCluster")),
            "ServiceQuotaExceededException", pcs.call("CreateComputeNodeGroup", bigGroup));
    byType.forEach(
        (type, r) -> {
          envelope(r);
          ServiceModel.Shape shape = MODEL.shape(ServiceModel.NAMESPACE + type);
          assertThat(r.errorType()).as("%s", r).isEqualTo(type);
          assertThat(r.status())
              .as("%s: %s", type, r)
              .isEqualTo(shape.traits().httpError().orElseThrow());
          shape.members().values().stream()
              .filter(m -> MODEL.effectiveTraits(m).required())
              .forEach(
                  m ->
                      assertThat(r.json().hasNonNull(m.name()))
                          .as("%s has %s: %s", type, m.name(), r)
                          .isTrue());
        });
    assertThat(byType.get("ValidationException").status()).isEqualTo(400);
    assertThat(byType.get("AccessDeniedException").status()).isEqualTo(403);
    assertThat(byType.get("ResourceNotFoundException").status()).isEqualTo(404);
    assertThat(byType.get("ResourceNotFoundException").json().get("resourceId").asText())
        .isEqualTo("no-such-cluster");
    assertThat(byType.get("ConflictException").status()).isEqualTo(409);
    assertThat(byType.get("ServiceQuotaExceededException").status()).isEqualTo(402);
    // x-amzn-ErrorType mirrors __type for clients that read the header.
    byType.forEach(
        (type, r) ->
            assertThat(r.headers().firstValue("x-amzn-ErrorType"))
                .as(type)
                .hasValueSatisfying(v -> assertThat(v).startsWith(type)));
  }

  @Test
  void timestampsAreIso8601Strings() {
    Instant startedBefore = Instant.now().minus(Duration.ofMinutes(10));
    List<JsonNode> resources = new ArrayList<>();
    resources.add(demo.cluster());
    resources.add(demo.computeNodeGroup());
    resources.add(demo.queue());
    resources.add(pcs.ok("GetCluster", getDemo()).get("cluster"));
    resources.add(
        pcs.ok("GetComputeNodeGroup", getDemo().put("computeNodeGroupIdentifier", "compute"))
            .get("computeNodeGroup"));
    resources.add(pcs.ok("GetQueue", getDemo().put("queueIdentifier", "batch")).get("queue"));
    pcs.ok("ListClusters", RawPcs.object()).get("clusters").forEach(resources::add);
    pcs.ok("ListComputeNodeGroups", getDemo()).get("computeNodeGroups").forEach(resources::add);
    pcs.ok("ListQueues", getDemo()).get("queues").forEach(resources::add);
    assertThat(resources).hasSizeGreaterThanOrEqualTo(9);
    for (JsonNode r : resources) {
      for (String field : List.of("createdAt", "modifiedAt")) {
        JsonNode t = r.get(field);
        assertThat(t).as("%s in %s", field, r).isNotNull();
        assertThat(t.isTextual()).as("%s is a string in %s", field, r).isTrue();
        Instant parsed =
            OffsetDateTime.parse(t.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        assertThat(parsed).isBetween(startedBefore, Instant.now().plusSeconds(5));
      }
    }
  }

  @Test
  void healthAndReadinessAnswer200() {
    RawPcs.Response health = pcs.get("/health");
    RawPcs.Response ready = pcs.get("/ready");
    assertThat(health.status()).as("%s", health).isEqualTo(200);
    assertThat(ready.status()).as("%s", ready).isEqualTo(200);
    assertThat(new String(ready.rawBody(), StandardCharsets.UTF_8)).contains("ready");
  }
}
