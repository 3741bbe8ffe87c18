package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A PCS endpoint that records every request (target, headers, JSON body) and answers with a canned
 * reply, so that tests see exactly what the CLI sends and control exactly what it gets back.
 */
final class StubServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Recorded(String target, Headers headers, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The operation name without the {@code AWSParallelComputingService.} prefix. */
    String operation() {
      return target.substring(target.indexOf('.') + 1);
    }
  }

  record Reply(int status, String body) {}

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Recorded, Reply> responder = r -> new Reply(200, "{}");

  private StubServer(HttpServer server) {
    this.server = server;
  }

  static StubServer start() {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      StubServer stub = new StubServer(http);
      http.createContext("/", stub::handle);
      http.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request gets this reply. */
  void reply(int status, String body) {
    responder = r -> new Reply(status, body);
  }

  void respond(Function<Recorded, Reply> f) {
    responder = f;
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  /** The one request made; fails if there were none or several. */
  Recorded only() {
    if (requests.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + requests);
    }
    return requests.get(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Recorded r =
        new Recorded(ex.getRequestHeaders().getFirst("X-Amz-Target"), ex.getRequestHeaders(), body);
    requests.add(r);
    Reply reply = responder.apply(r);
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    ex.getResponseHeaders().set("x-amzn-RequestId", "req-" + requests.size());
    ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      ex.getResponseBody().write(out);
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
