package org.openpcs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openpcs.api.PcsJson;

/**
 * A stand-in for the OpenPCS server: answers RegisterComputeNodeGroupInstance and agent heartbeats
 * on a random port and records what it received.
 */
public final class StubPcsServer implements AutoCloseable {
  public static final String REGISTER_TARGET =
      "AWSParallelComputingService.RegisterComputeNodeGroupInstance";
  public static final String HEARTBEAT_TARGET = "OpenPCSAgent.Heartbeat";

  /** One answer: an HTTP status and a JSON body. */
  public record Answer(int status, String body) {
    public static Answer ok(String body) {
      return new Answer(200, body);
    }

    public static Answer error(int status, String type, String message) {
      return new Answer(
          status, PcsJson.toJson(java.util.Map.of("__type", type, "message", message)));
    }
  }

  public final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
  public final List<JsonNode> registrations = new CopyOnWriteArrayList<>();
  public final List<String> authorizations = new CopyOnWriteArrayList<>();
  public final AtomicInteger registerCalls = new AtomicInteger();
  public volatile Function<Integer, Answer> registerAnswer;
  public volatile String heartbeatAction = "CONTINUE";
  private final HttpServer server;

  public StubPcsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Registration succeeds with this node name, controller and key. */
  public void registerAs(String nodeName, String ip, int port, byte[] mungeKey) {
    String secret = Base64.getEncoder().encodeToString(mungeKey);
    registerAnswer =
        n ->
            Answer.ok(
                "{\"nodeID\":\""
                    + nodeName
                    + "\",\"sharedSecret\":\""
                    + secret
                    + "\",\"endpoints\":[{\"type\":\"SLURMCTLD\",\"privateIpAddress\":\""
                    + ip
                    + "\",\"port\":\""
                    + port
                    + "\"}]}");
  }

  private void handle(HttpExchange ex) throws IOException {
    String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    JsonNode body = PcsJson.mapper().readTree(ex.getRequestBody().readAllBytes());
    Answer a;
    if (REGISTER_TARGET.equals(target)) {
      registrations.add(body);
      int n = registerCalls.incrementAndGet();
      a =
          registerAnswer == null
              ? Answer.error(403, "AccessDeniedException", "no")
              : registerAnswer.apply(n);
    } else if (HEARTBEAT_TARGET.equals(target)) {
      heartbeats.add(body);
      ObjectNode o = PcsJson.mapper().createObjectNode();
      o.put("action", heartbeatAction);
      a = Answer.ok(o.toString());
    } else {
      a = Answer.error(400, "UnknownOperationException", "unknown target " + target);
    }
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
    ex.sendResponseHeaders(a.status(), bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  public List<String> heartbeatStates() {
    List<String> out = new ArrayList<>();
    heartbeats.forEach(h -> out.add(h.path("state").asText()));
    return out;
  }

  /** Waits for a heartbeat that matches, or fails. */
  public JsonNode awaitHeartbeat(Predicate<JsonNode> p, Duration timeout)
      throws InterruptedException {
    return awaitHeartbeatAfter(0, p, timeout);
  }

  /** Waits for a matching heartbeat among those received after the first {@code skip}. */
  public JsonNode awaitHeartbeatAfter(int skip, Predicate<JsonNode> p, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonNode> all = List.copyOf(heartbeats);
      for (JsonNode h : all.subList(Math.min(skip, all.size()), all.size())) {
        if (p.test(h)) {
          return h;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching heartbeat within " + timeout + "; got " + heartbeats);
  }

  public JsonNode awaitState(String state, Duration timeout) throws InterruptedException {
    return awaitHeartbeat(h -> state.equals(h.path("state").asText()), timeout);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
