package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import org.openpcs.server.TestServer;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.Cluster;
import software.amazon.awssdk.services.pcs.model.InstanceConfig;
import software.amazon.awssdk.services.pcs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.pcs.model.SchedulerType;
import software.amazon.awssdk.services.pcs.model.Size;

/**
 * /metrics and OpenPCS.ListEvents on a real server (API only, embedded H2): the exposition parses
 * strictly, names follow Prometheus conventions, request counts match the calls made, and the
 * lifecycle of every resource created shows up as events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SUBNET = "subnet-0123456789abcdef0";

  private TestServer server;
  private PcsClient pcs;
  private PcsHttpClient raw;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger listEventsCalls = new AtomicInteger();

  @BeforeAll
  void start() {
    server = TestServer.start();
    pcs = server.sdk();
    raw = new PcsHttpClient(server.endpoint(), server.admin(), "us-east-1");
  }

  @AfterAll
  void stop() {
    pcs.close();
    raw.close();
    server.close();
  }

  @Test
  void metricsParseFollowConventionsAndCountTheCallsMade() throws Exception {
    Map<String, PrometheusText.Family> before = scrape();
    double listsBefore = count(before, "ListClusters", "success");
    double missingBefore = count(before, "GetCluster", "ResourceNotFoundException");

    for (int i = 0; i < 3; i++) {
      pcs.listClusters(r -> {});
    }
    assertThatThrownBy(() -> pcs.getCluster(r -> r.clusterIdentifier("pcs_doesnotexist")))
        .isInstanceOf(ResourceNotFoundException.class);

    Map<String, PrometheusText.Family> after = scrape();
    assertThat(count(after, "ListClusters", "success") - listsBefore).isEqualTo(3);
    assertThat(count(after, "GetCluster", "ResourceNotFoundException") - missingBefore)
        .isEqualTo(1);
    MetricConventions.check(after);
    assertThat(after).containsKeys("jvm_memory_used_bytes", "process_uptime_seconds");
    assertThat(after.get("openpcs_events_dropped_total").samples().getFirst().value()).isZero();
  }

  @Test
  void metricsNeedNoSignatureAndAreReadOnly() throws Exception {
    HttpResponse<String> get = get("/metrics");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(server.endpoint().resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(404);
  }

  @Test
  void eventsShowTheLifecycleOfEveryResourceCreatedAndDeleted() throws Exception {
    Cluster cluster =
        pcs.createCluster(
                r ->
                    r.clusterName("events-demo")
                        .scheduler(s -> s.type(SchedulerType.SLURM).version("24.11"))
                        .size(Size.SMALL)
                        .networking(n -> n.subnetIds(SUBNET)))
            .cluster();
    awaitReasons(cluster.id(), null, List.of("CREATING", "ACTIVE"));
    var group =
        pcs.createComputeNodeGroup(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .computeNodeGroupName("compute")
                        .amiId(TestServer.IMAGE)
                        .subnetIds(SUBNET)
                        .customLaunchTemplate(t -> t.id(TestServer.TEMPLATE).version("1"))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-test")
                        .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(2))
                        .instanceConfigs(
                            InstanceConfig.builder().instanceType("t3.medium").build()))
            .computeNodeGroup();
    awaitReasons(cluster.id(), "compute", List.of("CREATING", "ACTIVE"));
    var queue =
        pcs.createQueue(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .queueName("batch")
                        .computeNodeGroupConfigurations(c -> c.computeNodeGroupId(group.id())))
            .queue();
    awaitReasons(cluster.id(), "batch", List.of("CREATING", "ACTIVE"));

    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier(queue.id()));
    List<JsonNode> queueEvents =
        awaitReasons(
            cluster.id(), queue.id(), List.of("CREATING", "ACTIVE", "DELETING", "DELETED"));
    assertThat(queueEvents)
        .allSatisfy(
            e -> {
              assertThat(e.path("resourceType").asText()).isEqualTo("queue");
              assertThat(e.path("clusterId").asText()).isEqualTo(cluster.id());
              assertThat(e.path("message").asText()).contains("batch");
            });

    // By name while the cluster lives; the whole cluster lists all three resources in order.
    List<JsonNode> all = events(body(cluster.name(), null));
    assertThat(all)
        .extracting(e -> e.path("resourceId").asText())
        .contains(cluster.id(), group.id(), queue.id());
    assertThat(all.getFirst().path("reason").asText()).isEqualTo("CREATING");
    assertThat(all.getFirst().path("resourceName").asText()).isEqualTo("events-demo");

    Map<String, PrometheusText.Family> metrics = scrape();
    assertThat(metrics.get("openpcs_events_written_total").samples().getFirst().value())
        .isGreaterThanOrEqualTo(all.size());
    assertThat(count(metrics, "ListEvents", "success")).isEqualTo(listEventsCalls.get());
  }

  @Test
  void listEventsNamesEveryBadFieldAndUnknownResources() {
    ObjectNode bad = JSON.createObjectNode();
    bad.put("maxResults", 0).put("since", "yesterday").put("bogus", 1);
    bad.put("resourceIdentifier", "compute").put("afterSequence", -1);

    assertThatThrownBy(() -> raw.callTarget("OpenPCS.ListEvents", bad))
        .isInstanceOfSatisfying(
            PcsClientException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ValidationException");
              List<String> fields = new ArrayList<>();
              e.body().path("fieldList").forEach(f -> fields.add(f.path("name").asText()));
              assertThat(fields)
                  .containsExactlyInAnyOrder(
                      "maxResults", "since", "bogus", "resourceIdentifier", "afterSequence");
              e.body()
                  .path("fieldList")
                  .forEach(
                      f -> {
                        if (f.path("name").asText().equals("bogus")) {
                          assertThat(f.path("message").asText())
                              .isEqualTo(
                                  "Unknown member; expected one of [clusterIdentifier,"
                                      + " resourceIdentifier, since, afterSequence, maxResults]");
                        }
                      });
            });
    assertThatThrownBy(() -> raw.callTarget("OpenPCS.ListEvents", body("no-such-cluster", null)))
        .isInstanceOfSatisfying(
            PcsClientException.class,
            e -> assertThat(e.errorType()).isEqualTo("ResourceNotFoundException"));
  }

  // --- helpers

  private List<JsonNode> awaitReasons(String cluster, String resource, List<String> reasons)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> seen = List.of();
    while (System.nanoTime() < deadline) {
      List<JsonNode> events = events(body(cluster, resource));
      seen = events.stream().map(e -> e.path("reason").asText()).toList();
      if (seen.equals(reasons)) {
        return events;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("events of " + resource + ": expected " + reasons + ", saw " + seen);
  }

  private List<JsonNode> events(ObjectNode body) {
    listEventsCalls.incrementAndGet();
    List<JsonNode> list = new ArrayList<>();
    raw.callTarget("OpenPCS.ListEvents", body).path("events").forEach(list::add);
    return list;
  }

  private static ObjectNode body(String cluster, String resource) {
    ObjectNode b = JSON.createObjectNode();
    if (cluster != null) {
      b.put("clusterIdentifier", cluster);
    }
    if (resource != null) {
      b.put("resourceIdentifier", resource);
    }
    return b;
  }

  private Map<String, PrometheusText.Family> scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double count(
      Map<String, PrometheusText.Family> metrics, String operation, String outcome) {
    PrometheusText.Family f = metrics.get("openpcs_api_request_duration_seconds");
    if (f == null) {
      return 0;
    }
    return f.samples().stream()
        .filter(s -> s.name().equals("openpcs_api_request_duration_seconds_count"))
        .filter(s -> operation.equals(s.labels().get("operation")))
        .filter(s -> outcome.equals(s.labels().get("outcome")))
        .mapToDouble(PrometheusText.Sample::value)
        .sum();
  }
}
