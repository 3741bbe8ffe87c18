package org.openpcs.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.auth.SigV4Verifier;
import org.openpcs.api.error.AuthenticationException;

/** {@link PcsHttpClient} against a local server that verifies signatures and plays a script. */
class PcsHttpClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "AKIAOPENPCSCLIENT001";
  private static final String SECRET = "client-test-secret";
  private static final PcsHttpClient.Options FAST =
      new PcsHttpClient.Options(
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          3,
          Duration.ofMillis(100),
          Duration.ofMillis(350));

  /** A scripted answer: status, body and extra headers. */
  record Reply(int status, String body, Map<String, String> headers) {
    static Reply error(int status, String type, String message) {
      return new Reply(
          status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}", Map.of());
    }
  }

  /** What the server saw of one request that passed verification. */
  record Seen(String method, String path, String target, String contentType, JsonNode body) {}

  private HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    SigV4Verifier verifier =
        new SigV4Verifier(
            Clock.systemUTC(),
            "pcs",
            id -> id.equals(KEY) ? Optional.of(SECRET) : Optional.empty());
    Reply reply;
    try {
      verifier.verify(
          ex.getRequestMethod(),
          ex.getRequestURI().getRawPath(),
          ex.getRequestURI().getRawQuery(),
          ex.getRequestHeaders(),
          body);
      seen.add(
          new Seen(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              ex.getRequestHeaders().getFirst("X-Amz-Target"),
              ex.getRequestHeaders().getFirst("Content-Type"),
              JSON.readTree(body)));
      synchronized (script) {
        reply = script.isEmpty() ? new Reply(200, "{\"clusters\":[]}", Map.of()) : script.poll();
      }
    } catch (AuthenticationException e) {
      rejected.add(e.getMessage());
      reply = Reply.error(e.httpStatus(), e.errorType(), e.getMessage());
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    reply.headers().forEach(ex.getResponseHeaders()::set);
    ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private PcsHttpClient client(Clock clock, String secret) {
    return new PcsHttpClient(
        endpoint(),
        new SigV4.Credentials(KEY, secret),
        "us-east-1",
        FAST,
        null,
        clock,
        sleeps::add);
  }

  private PcsHttpClient client() {
    return client(Clock.systemUTC(), SECRET);
  }

  private void enqueue(Reply... replies) {
    synchronized (script) {
      script.addAll(List.of(replies));
    }
  }

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void postsASignedAwsJsonRequestAndReturnsTheBody() {
    try (PcsHttpClient pcs = client()) {
      JsonNode out = pcs.call("ListClusters", json("{\"maxResults\":5}"));
      assertThat(out).isEqualTo(json("{\"clusters\":[]}"));
    }
    assertThat(rejected).isEmpty();
    assertThat(seen)
        .containsExactly(
            new Seen(
                "POST",
                "/",
                "AWSParallelComputingService.ListClusters",
                "application/x-amz-json-1.0",
                json("{\"maxResults\":5}")));
  }

  @Test
  void sendsAnEmptyObjectForANullBodyAndReadsAnEmptyResponse() {
    enqueue(new Reply(200, "", Map.of()));
    try (PcsHttpClient pcs = client()) {
      assertThat(pcs.call("ListClusters", null)).isEqualTo(json("{}"));
    }
    assertThat(seen.get(0).body()).isEqualTo(json("{}"));
  }

  @Test
  void fillsTheIdempotencyTokenOnceForAllAttempts() {
    enqueue(Reply.error(500, "InternalServerException", "try again"));
    ObjectNode request = json("{\"clusterName\":\"c1\"}");
    try (PcsHttpClient pcs = client()) {
      pcs.call("CreateCluster", request);
    }
    assertThat(seen).hasSize(2);
    String token = seen.get(0).body().path("clientToken").asText();
    assertThat(token).isNotEmpty();
    assertThat(seen.get(1).body().path("clientToken").asText()).isEqualTo(token);
    assertThat(request.has("clientToken")).as("the caller's node is not modified").isFalse();
  }

  @Test
  void keepsAnExplicitIdempotencyToken() {
    try (PcsHttpClient pcs = client()) {
      pcs.call("DeleteQueue", json("{\"clientToken\":\"mine\"}"));
    }
    assertThat(seen.get(0).body().path("clientToken").asText()).isEqualTo("mine");
  }

  @Test
  void turnsAnErrorResponseIntoAnException() {
    enqueue(
        new Reply(
            404,
            "{\"__type\":\"com.amazonaws.pcs#ResourceNotFoundException:http://internal/\","
                + "\"Message\":\"cluster c9 not found\",\"resourceId\":\"c9\","
                + "\"resourceType\":\"cluster\"}",
            Map.of("x-amzn-RequestId", "rid-7")));
    try (PcsHttpClient pcs = client()) {
      PcsClientException e =
          catchThrowableOfType(
              PcsClientException.class,
              () -> pcs.call("GetCluster", json("{\"clusterIdentifier\":\"c9\"}")));
      assertThat(e.errorType()).isEqualTo("ResourceNotFoundException");
      assertThat(e).hasMessage("cluster c9 not found");
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.requestId()).isEqualTo("rid-7");
      assertThat(e.body().path("resourceId").asText()).isEqualTo("c9");
    }
    assertThat(seen).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void neverRetriesAValidationError() {
    enqueue(Reply.error(400, "ValidationException", "bad"));
    try (PcsHttpClient pcs = client()) {
      assertThatThrownBy(() -> pcs.call("ListClusters", null))
          .isInstanceOfSatisfying(
              PcsClientException.class,
              e -> assertThat(e.errorType()).isEqualTo("ValidationException"));
    }
    assertThat(seen).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void retriesThrottlingWithGrowingJitteredBackoff() {
    for (int i = 0; i < 3; i++) {
      enqueue(Reply.error(400, "ThrottlingException", "slow down"));
    }
    try (PcsHttpClient pcs = client()) {
      assertThat(pcs.call("ListClusters", null)).isEqualTo(json("{\"clusters\":[]}"));
    }
    assertThat(seen).hasSize(4);
    assertThat(sleeps).hasSize(3);
    // Windows of 100, 200 and 350 (capped) ms; each wait is in the upper half of its window.
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(175), Duration.ofMillis(350));
  }

  @Test
  void givesUpAfterThreeRetries() {
    for (int i = 0; i < 5; i++) {
      enqueue(Reply.error(500, "InternalServerException", "boom"));
    }
    try (PcsHttpClient pcs = client()) {
      PcsClientException e =
          catchThrowableOfType(PcsClientException.class, () -> pcs.call("ListClusters", null));
      assertThat(e.errorType()).isEqualTo("InternalServerException");
    }
    assertThat(seen).hasSize(4);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void waitsAtLeastRetryAfterSeconds() {
    enqueue(
        new Reply(
            429,
            "{\"__type\":\"ThrottlingException\",\"message\":\"x\",\"retryAfterSeconds\":7}",
            Map.of()),
        new Reply(
            429,
            "{\"__type\":\"ThrottlingException\",\"message\":\"x\"}",
            Map.of("Retry-After", "3")));
    try (PcsHttpClient pcs = client()) {
      pcs.call("ListClusters", null);
    }
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
  }

  @Test
  void retriesAGatewayErrorWithoutAnAwsBody() {
    for (int i = 0; i < 4; i++) {
      enqueue(new Reply(503, "upstream unavailable", Map.of("Content-Type", "text/plain")));
    }
    try (PcsHttpClient pcs = client()) {
      PcsClientException e =
          catchThrowableOfType(PcsClientException.class, () -> pcs.call("ListClusters", null));
      assertThat(e.errorType()).isEqualTo("UnknownError");
      assertThat(e).hasMessage("HTTP 503: upstream unavailable");
      assertThat(e.body().isMissingNode()).isTrue();
    }
    assertThat(seen).hasSize(4);
  }

  @Test
  void retriesConnectionFailuresThenReportsThem() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (PcsHttpClient pcs =
        new PcsHttpClient(
            URI.create("http://127.0.0.1:" + closedPort),
            new SigV4.Credentials(KEY, SECRET),
            "us-east-1",
            FAST,
            null,
            Clock.systemUTC(),
            sleeps::add)) {
      assertThatThrownBy(() -> pcs.call("ListClusters", null))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("ListClusters");
    }
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void correctsItsClockFromAnExpiredSignatureAnswer() {
    Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));
    try (PcsHttpClient pcs = client(late, SECRET)) {
      assertThat(pcs.call("ListClusters", null)).isEqualTo(json("{\"clusters\":[]}"));
      // The correction sticks: the next call is accepted at once.
      pcs.call("ListClusters", null);
    }
    assertThat(rejected).hasSize(1).allMatch(m -> m.startsWith("Signature expired"));
    assertThat(seen).hasSize(2);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void doesNotRetryASignatureMismatch() {
    try (PcsHttpClient pcs = client(Clock.systemUTC(), "wrong")) {
      PcsClientException e =
          catchThrowableOfType(PcsClientException.class, () -> pcs.call("ListClusters", null));
      assertThat(e.errorType()).isEqualTo("InvalidSignatureException");
      assertThat(e.httpStatus()).isEqualTo(403);
    }
    assertThat(rejected).hasSize(1);
  }

  @Test
  void rejectsBadArguments() {
    SigV4.Credentials creds = new SigV4.Credentials(KEY, SECRET);
    assertThatThrownBy(() -> new PcsHttpClient(URI.create("ftp://h/"), creds, "r"))
        .isInstanceOf(IllegalArgumentException.class);
    try (PcsHttpClient pcs = client()) {
      assertThatThrownBy(() -> pcs.call("ListClusters", JSON.createArrayNode()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
