package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpDestinationTest {
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> types = new CopyOnWriteArrayList<>();

  /** A log store that answers {@code statuses} in turn, then 200. */
  private URI store(int... statuses) throws IOException {
    AtomicInteger call = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          types.add(ex.getRequestHeaders().getFirst("Content-Type"));
          int n = call.getAndIncrement();
          ex.sendResponseHeaders(n < statuses.length ? statuses[n] : 200, -1);
          ex.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ingest");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static List<LogRecord> batch() {
    return List.of(
        new LogRecord("pcs_a", LogType.AUDIT, "{\"n\":1}"),
        new LogRecord("_server", LogType.AUDIT, "{\"n\":2}"));
  }

  @Test
  void aBatchIsPostedAsJsonLinesAndRetriedUntilTheStoreTakesIt() throws Exception {
    HttpDestination http =
        new HttpDestination(store(503, 500), Duration.ofSeconds(5), Duration.ofMillis(1));

    http.write(batch());

    assertThat(bodies).hasSize(3).allMatch(b -> b.equals(bodies.getFirst()));
    assertThat(bodies.getFirst())
        .isEqualTo(
            "{\"log_stream\":\"pcs_a\",\"log_type\":\"audit\",\"n\":1}\n"
                + "{\"log_stream\":\"_server\",\"log_type\":\"audit\",\"n\":2}\n");
    assertThat(types).allMatch("application/x-ndjson"::equals);
  }

  @Test
  void aStoreThatKeepsRefusingCostsTheBatchAfterTheLastAttempt() throws Exception {
    HttpDestination http =
        new HttpDestination(
            store(500, 500, 500, 500, 500), Duration.ofSeconds(5), Duration.ofMillis(1));

    assertThatThrownBy(() -> http.write(batch()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageNotContaining("/ingest");
    assertThat(bodies).hasSize(HttpDestination.ATTEMPTS);
  }
}
