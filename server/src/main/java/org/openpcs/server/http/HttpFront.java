package org.openpcs.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.openpcs.api.error.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener. The JDK's server is enough for a JSON control-plane API (one handler, small
 * bodies) and brings no dependency; exchanges run on a pool of platform threads (see {@link
 * #handlers}). Besides the PCS endpoint {@code POST /} it answers {@code GET /health} (the process
 * is up), {@code GET /ready} (the store answers) and {@code GET /metrics} (Prometheus text format).
 * Like /health, /metrics needs no signature: scrapers cannot sign, and it shows counts, never
 * resource contents or keys.
 */
public final class HttpFront implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFront.class);

  /** PCS requests are small; anything larger is refused before it is buffered. */
  static final int MAX_BODY = 1 << 20;

  private final HttpServer server;
  private final ExecutorService handlers = handlers();

  static {
    // The JDK server keeps only 200 idle keep-alive connections and silently closes any beyond
    // that (no "Connection: close"), and drops idle ones after 30 s while AWS SDKs keep them for
    // 60 s: both surface as failed requests under load. Raise both unless set explicitly.
    if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
      System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
    }
    if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
      System.setProperty("sun.net.httpserver.idleInterval", "90");
    }
    // Exchanges hold one of a fixed number of threads (see handlers()): a client that sends half a
    // request, or stops reading the answer, must not keep one for ever (the JDK's default).
    for (String limit : List.of("maxReqTime", "maxRspTime")) {
      if (System.getProperty("sun.net.httpserver." + limit) == null) {
        System.setProperty("sun.net.httpserver." + limit, "60");
      }
    }
  }

  public HttpFront(InetSocketAddress listen, ApiDispatcher dispatcher, BooleanSupplier ready)
      throws IOException {
    this(listen, dispatcher, ready, () -> "");
  }

  public HttpFront(
      InetSocketAddress listen,
      ApiDispatcher dispatcher,
      BooleanSupplier ready,
      java.util.function.Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(listen, 512);
    server.setExecutor(handlers);
    server.createContext("/health", ex -> plain(ex, 200, "ok\n"));
    server.createContext(
        "/ready",
        ex ->
            plain(
                ex,
                ready.getAsBoolean() ? 200 : 503,
                ready.getAsBoolean() ? "ready\n" : "not ready\n"));
    server.createContext("/metrics", ex -> metrics(ex, metrics));
    server.createContext("/", ex -> api(ex, dispatcher));
  }

  /** Platform threads that run the exchanges; see {@link #handlers()}. */
  static final int HANDLER_THREADS = 32;

  /**
   * Exchanges run on a fixed pool of platform threads, not on virtual threads. The JDK server's
   * single dispatcher thread (it accepts every connection) shares a lock with the thread that
   * finishes an exchange; a virtual thread holding it can be unmounted and then waits for a free
   * carrier, which on a busy machine full of CPU-bound virtual threads (a 1,000-node burst: agents,
   * reconcile passes) took 7.4 s — the dispatcher blocked that long, accepted nothing, and hundreds
   * of agents' requests failed with connect timeouts. Platform threads are scheduled by the OS and
   * never leave the dispatcher waiting on Java's scheduler; 32 of them queue requests beyond that.
   */
  private static ExecutorService handlers() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        HANDLER_THREADS,
        r -> {
          Thread t = new Thread(r, "api-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void api(HttpExchange ex, ApiDispatcher dispatcher) throws IOException {
    try (ex) {
      RawResponse response;
      byte[] body = readBody(ex.getRequestBody());
      if (body == null) {
        response =
            ErrorWriter.write(
                new ValidationException(
                    ValidationException.Reason.OTHER,
                    "The request body exceeds " + MAX_BODY + " bytes."),
                java.util.UUID.randomUUID().toString());
      } else {
        Map<String, List<String>> headers = new LinkedHashMap<>(ex.getRequestHeaders());
        RawRequest request =
            new RawRequest(
                ex.getRequestMethod(),
                ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getRawQuery(),
                headers,
                body,
                String.valueOf(ex.getRemoteAddress()));
        response = dispatcher.dispatch(request);
      }
      response.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.sendResponseHeaders(
          response.status(), response.body().length == 0 ? -1 : response.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(response.body());
      }
    } catch (IOException e) {
      log.debug("client went away: {}", e.toString());
    }
  }

  /** The body, or null when it is larger than {@link #MAX_BODY}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] data = in.readNBytes(MAX_BODY + 1);
    return data.length > MAX_BODY ? null : data;
  }

  private static void metrics(HttpExchange ex, java.util.function.Supplier<String> metrics)
      throws IOException {
    if (!"GET".equals(ex.getRequestMethod()) || !"/metrics".equals(ex.getRequestURI().getPath())) {
      plain(ex, 404, "not found\n");
      return;
    }
    String text;
    try {
      text = metrics.get();
    } catch (RuntimeException e) {
      log.warn("could not render metrics", e);
      plain(ex, 500, "metrics unavailable\n");
      return;
    }
    plain(ex, 200, text, "text/plain; version=0.0.4; charset=utf-8");
  }

  private static void plain(HttpExchange ex, int status, String text) throws IOException {
    plain(ex, status, text, "text/plain; charset=utf-8");
  }

  private static void plain(HttpExchange ex, int status, String text, String contentType)
      throws IOException {
    try (ex) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", contentType);
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
    }
  }

  /** Stops accepting, lets in-flight requests finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    handlers.shutdown();
  }
}
