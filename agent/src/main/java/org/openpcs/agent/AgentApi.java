package org.openpcs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.openpcs.api.PcsJson;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import org.openpcs.api.model.Endpoint;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceResponse;

/**
 * The agent's two calls to the server. Registration is the PCS operation, made with {@link
 * PcsHttpClient}; the heartbeat is not a PCS operation (target {@value #HEARTBEAT_TARGET}), so it
 * is posted here with the same signing, content type and endpoint. Nothing here logs a request or
 * response body.
 */
final class AgentApi implements AutoCloseable {
  static final String HEARTBEAT_TARGET = "OpenPCSAgent.Heartbeat";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final ObjectMapper MAPPER = PcsJson.mapper();

  /** What registration gave us. {@link #toString()} never shows the secret. */
  record Registration(String nodeName, String ctldHost, int ctldPort, byte[] mungeKey) {
    String confServer() {
      return (ctldHost.contains(":") ? "[" + ctldHost + "]" : ctldHost) + ":" + ctldPort;
    }

    @Override
    public String toString() {
      return "Registration[node=" + nodeName + ", confServer=" + confServer() + ", key=***]";
    }
  }

  /** The server's answer to a heartbeat. */
  enum Action {
    CONTINUE,
    STOP
  }

  private final URI uri;
  private final String host;
  private final SigV4.Credentials creds;
  private final String region;
  private final URI endpoint;
  private final Clock clock = Clock.systemUTC();

  /**
   * One HTTP client for every agent of this JVM: each java.net.http client owns a selector thread,
   * and the local provider runs hundreds of agents in-process.
   */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /**
   * The most requests this JVM's agents have in flight at once: as many as the server has threads
   * to answer them; more would only wait there. Unbounded, a 1,000-node burst of in-process agents
   * kept hundreds of connections open, both ends in the server's JVM, and every process an agent
   * starts inherits the JVM's descriptors and must close them one by one (D51).
   */
  static final int MAX_IN_FLIGHT = 32;

  private static final Semaphore IN_FLIGHT = new Semaphore(MAX_IN_FLIGHT);

  /** Runs one request within {@link #MAX_IN_FLIGHT}; an interrupt while waiting is "no answer". */
  private static <T> T inFlight(java.util.function.Supplier<T> request) {
    try {
      IN_FLIGHT.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted");
      io.initCause(e);
      throw new UncheckedIOException(io);
    }
    try {
      return request.get();
    } finally {
      IN_FLIGHT.release();
    }
  }

  AgentApi(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
    Objects.requireNonNull(endpoint, "endpoint");
    String path = endpoint.getRawPath();
    this.uri = path == null || path.isEmpty() ? endpoint.resolve("/") : endpoint;
    int port = uri.getPort();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    boolean defaultPort = port == -1 || (https ? port == 443 : port == 80);
    this.host = defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    this.creds = new SigV4.Credentials(accessKeyId, secretAccessKey);
    this.region = Objects.requireNonNull(region, "region");
    this.endpoint = endpoint;
  }

  /**
   * One RegisterComputeNodeGroupInstance attempt.
   *
   * @throws PcsClientException the server's refusal or error
   * @throws UncheckedIOException no answer
   * @throws AgentException the answer is unusable
   */
  Registration registerOnce(String clusterId, String bootstrapId) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("clusterIdentifier", clusterId);
    body.put("bootstrapId", bootstrapId);
    JsonNode tree;
    // Retries are ours (bounded by the registration timeout), so the client makes one attempt;
    // it lives only for this call (registration happens once per node), on the shared HTTP
    // client (a client of its own per node cost a selector thread and a connection each).
    try (PcsHttpClient pcs =
        new PcsHttpClient(
            endpoint,
            creds,
            region,
            new PcsHttpClient.Options(
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                0,
                Duration.ofMillis(200),
                Duration.ofSeconds(10)),
            HTTP)) {
      tree = inFlight(() -> pcs.call("RegisterComputeNodeGroupInstance", body));
    }
    RegisterComputeNodeGroupInstanceResponse r;
    try {
      r = PcsJson.fromTree(tree, RegisterComputeNodeGroupInstanceResponse.class);
    } catch (IllegalArgumentException e) {
      throw new AgentException("the registration response is not valid");
    }
    return parse(r);
  }

  static Registration parse(RegisterComputeNodeGroupInstanceResponse r) {
    String node = r.nodeID();
    if (node == null || !node.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new AgentException("the registration response has no usable nodeID");
    }
    Endpoint ctld =
        r.endpoints() == null
            ? null
            : r.endpoints().stream()
                .filter(e -> e != null && "SLURMCTLD".equals(e.type()))
                .findFirst()
                .orElse(null);
    if (ctld == null) {
      throw new AgentException("the registration response has no SLURMCTLD endpoint");
    }
    String ip = firstNonBlank(ctld.privateIpAddress(), ctld.publicIpAddress(), ctld.ipv6Address());
    if (ip == null || !ip.matches("[A-Za-z0-9.:-]{1,253}")) {
      throw new AgentException("the SLURMCTLD endpoint has no usable address");
    }
    int port;
    try {
      port = Integer.parseInt(ctld.port() == null ? "" : ctld.port().strip());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new AgentException("the SLURMCTLD endpoint has no usable port");
    }
    if (r.sharedSecret() == null) {
      throw new AgentException("the registration response has no shared secret");
    }
    byte[] key;
    try {
      key = java.util.Base64.getMimeDecoder().decode(r.sharedSecret());
    } catch (IllegalArgumentException e) {
      throw new AgentException("the shared secret is not base64");
    }
    if (key.length < 32) {
      throw new AgentException("the shared secret is shorter than munge's minimum of 32 bytes");
    }
    return new Registration(node, ip, port, key);
  }

  /** True for failures worth another registration attempt. */
  static boolean retryable(RuntimeException e) {
    if (e instanceof UncheckedIOException u) {
      return !(u.getCause() instanceof InterruptedIOException);
    }
    if (e instanceof PcsClientException p) {
      return p.httpStatus() >= 500
          || p.httpStatus() == 429
          || p.errorType().equals("ThrottlingException")
          || p.errorType().equals("ConflictException");
    }
    return false;
  }

  /** Full-jitter exponential backoff: up to 200 ms · 2^attempt, at most 10 s. */
  static Duration backoff(int attempt) {
    long cap = Math.min(10_000L, 200L << Math.min(attempt, 10));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  /**
   * One heartbeat.
   *
   * @throws PcsClientException the server's error answer
   * @throws UncheckedIOException no answer (also when interrupted)
   */
  Action heartbeat(
      String clusterId,
      String instanceId,
      String bootstrapId,
      String nodeName,
      AgentState state,
      String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("clusterIdentifier", clusterId);
    body.put("instanceId", instanceId);
    body.put("bootstrapId", bootstrapId);
    body.put("nodeName", nodeName);
    body.put("state", state.name());
    body.put("message", message);
    JsonNode answer = post(HEARTBEAT_TARGET, PcsJson.tree(body));
    return "STOP".equals(answer.path("action").asText()) ? Action.STOP : Action.CONTINUE;
  }

  /** A signed awsJson1_0 POST with a full (unprefixed) target. */
  private JsonNode post(String target, JsonNode body) {
    return inFlight(() -> postNow(target, body));
  }

  private JsonNode postNow(String target, JsonNode body) {
    byte[] payload;
    try {
      payload = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialise the request", e);
    }
    Map<String, List<String>> signed = new LinkedHashMap<>();
    signed.put("host", List.of(host));
    signed.put("content-type", List.of(CONTENT_TYPE));
    signed.put("x-amz-target", List.of(target));
    Instant now = clock.instant();
    Map<String, String> auth =
        SigV4.sign(
            "POST",
            uri.getRawPath(),
            uri.getRawQuery(),
            signed,
            payload,
            creds,
            region,
            PcsHttpClient.SIGNING_NAME,
            now);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .header("Content-Type", CONTENT_TYPE)
            .header("X-Amz-Target", target)
            .header("User-Agent", "openpcs-agent/1");
    auth.forEach(b::header);
    HttpResponse<byte[]> response;
    try {
      response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(target + " at " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted");
      io.initCause(e);
      throw new UncheckedIOException(io);
    }
    JsonNode tree;
    try {
      byte[] bytes = response.body();
      tree =
          bytes == null || bytes.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(bytes);
    } catch (IOException e) {
      tree = MissingNode.getInstance();
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return tree;
    }
    String type =
        tree.path("__type").isTextual()
            ? tree.path("__type").asText()
            : response.headers().firstValue("x-amzn-ErrorType").orElse("UnknownError");
    int colon = type.indexOf(':');
    if (colon >= 0) {
      type = type.substring(0, colon);
    }
    type = type.substring(type.indexOf('#') + 1).strip();
    String message = tree.path("message").asText(tree.path("Message").asText("HTTP " + status));
    throw new PcsClientException(
        type,
        message,
        status,
        tree,
        response.headers().firstValue("x-amzn-RequestId").orElse(null));
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  @Override
  public void close() {
    // the shared HTTP client stays open; nothing else is held
  }
}
