package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AgentApiInFlightTest {
  /**
   * Many agents of one JVM reporting at once keep at most MAX_IN_FLIGHT requests (and so
   * connections) open; the rest wait their turn and all get their answer.
   */
  @Test
  void agentsOfOneJvmKeepAtMostTheBoundInFlight() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
          try {
            exchange.getRequestBody().readAllBytes();
            // long enough that unbounded callers would all be in flight together
            Thread.sleep(150);
            byte[] body = "{\"action\":\"CONTINUE\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            now.decrementAndGet();
            exchange.close();
          }
        });
    server.start();
    int agents = AgentApi.MAX_IN_FLIGHT * 3;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      List<Future<AgentApi.Action>> answers = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        String instance = "i-" + i;
        answers.add(
            pool.submit(
                () ->
                    new AgentApi(endpoint, "us-east-1", "AKIDEXAMPLE", "secret")
                        .heartbeat(
                            "pcs_abcdefghij",
                            instance,
                            "bootstrap",
                            "n-" + instance,
                            AgentState.RUNNING,
                            null)));
      }
      for (Future<AgentApi.Action> a : answers) {
        assertThat(a.get()).isEqualTo(AgentApi.Action.CONTINUE);
      }
    } finally {
      server.stop(0);
    }
    assertThat(most.get()).isLessThanOrEqualTo(AgentApi.MAX_IN_FLIGHT).isPositive();
  }
}
