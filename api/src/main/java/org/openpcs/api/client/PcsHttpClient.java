package org.openpcs.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.openpcs.api.PcsJson;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.auth.SigV4;

/**
 * The PCS client our CLI and node agent use: one signed awsJson1_0 {@code POST} per call, with the
 * SDKs' retry behaviour (throttling, server errors and connection failures retried with jittered
 * backoff; one retry after correcting clock skew). Thread-safe.
 */
public final class PcsHttpClient implements AutoCloseable {
  public static final String SIGNING_NAME = "pcs";
  static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final String USER_AGENT = "openpcs-client/1";
  private static final ObjectMapper MAPPER = PcsJson.mapper();

  /**
   * Transport settings.
   *
   * @param requestTimeout for one attempt, from sending to the whole response being read
   * @param maxRetries attempts after the first one
   * @param baseDelay the first backoff window; it doubles per retry up to {@code maxDelay}
   */
  public record Options(
      Duration connectTimeout,
      Duration requestTimeout,
      int maxRetries,
      Duration baseDelay,
      Duration maxDelay) {
    public Options {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(baseDelay, "baseDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0");
      }
    }

    public static Options defaults() {
      return new Options(
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          3,
          Duration.ofMillis(200),
          Duration.ofSeconds(20));
    }
  }

  /** Waits between attempts; replaced in tests so that they do not sleep. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final URI uri;
  private final String host;
  private final SigV4.Credentials creds;
  private final String region;
  private final Options options;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy retryPolicy;
  private volatile Duration clockSkew = Duration.ZERO;

  public PcsHttpClient(URI endpoint, SigV4.Credentials creds, String region) {
    this(endpoint, creds, region, Options.defaults());
  }

  public PcsHttpClient(URI endpoint, SigV4.Credentials creds, String region, Options options) {
    this(endpoint, creds, region, options, null, Clock.systemUTC(), d -> Thread.sleep(d));
  }

  /**
   * With the caller's HTTP client, which {@link #close} leaves open: many short-lived clients in
   * one JVM (the local provider's in-process agents) share one, since each java.net.http client
   * owns a selector thread and its own connections. {@code options.connectTimeout()} is then the
   * shared client's.
   */
  public PcsHttpClient(
      URI endpoint, SigV4.Credentials creds, String region, Options options, HttpClient http) {
    this(
        endpoint,
        creds,
        region,
        options,
        Objects.requireNonNull(http, "http"),
        Clock.systemUTC(),
        d -> Thread.sleep(d));
  }

  /**
   * @param http {@code null} to create (and later close) our own
   */
  PcsHttpClient(
      URI endpoint,
      SigV4.Credentials creds,
      String region,
      Options options,
      HttpClient http,
      Clock clock,
      Sleeper sleeper) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (endpoint.getHost() == null
        || !("http".equalsIgnoreCase(endpoint.getScheme())
            || "https".equalsIgnoreCase(endpoint.getScheme()))) {
      throw new IllegalArgumentException("endpoint must be an http(s) URL: " + endpoint);
    }
    String path = endpoint.getRawPath();
    this.uri = path == null || path.isEmpty() ? endpoint.resolve("/") : endpoint;
    this.host = hostHeader(this.uri);
    this.creds = Objects.requireNonNull(creds, "creds");
    this.region = Objects.requireNonNull(region, "region");
    this.options = Objects.requireNonNull(options, "options");
    this.ownsHttp = http == null;
    this.http =
        http != null
            ? http
            : HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                // h2c upgrade adds a round of headers and buys nothing for one small POST.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    this.clock = clock;
    this.sleeper = sleeper;
    this.retryPolicy = new RetryPolicy(options.baseDelay(), options.maxDelay());
  }

  /**
   * Calls one PCS operation.
   *
   * @param operation e.g. {@code ListClusters}
   * @param body the request structure; {@code null} for an empty one. Idempotency tokens the model
   *     declares ({@code clientToken}) are filled in when absent, as the SDKs do, so that retries
   *     cannot create a resource twice.
   * @return the parsed response body
   * @throws PcsClientException when the service answers with an error
   * @throws UncheckedIOException when no response could be had, after retries
   */
  public JsonNode call(String operation, JsonNode body) {
    return send(ServiceModel.TARGET_PREFIX + operation, operation, serialize(operation, body));
  }

  /**
   * Calls an operation outside the PCS model by its full {@code X-Amz-Target} (e.g. {@code
   * OpenPCS.ListEvents}), with the same signing, retries and error handling as {@link #call}.
   */
  public JsonNode callTarget(String target, JsonNode body) {
    if (body != null && !body.isObject()) {
      throw new IllegalArgumentException("the request body must be a JSON object");
    }
    try {
      return send(
          target,
          target,
          MAPPER.writeValueAsBytes(body == null ? MAPPER.createObjectNode() : body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise the request body", e);
    }
  }

  private JsonNode send(String target, String operation, byte[] payload) {
    int retries = 0;
    boolean skewCorrected = false;
    while (true) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(request(target, payload), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (retries >= options.maxRetries()) {
          throw new UncheckedIOException(operation + " at " + uri + " failed: " + e, e);
        }
        pause(retryPolicy.delay(retries++, null));
        continue;
      } catch (InterruptedException e) {
        throw interrupted(e);
      }

      int status = response.statusCode();
      if (status / 100 == 2) {
        return parseSuccess(response);
      }
      PcsClientException error =
          ErrorResponses.from(status, response.headers(), response.body(), MAPPER);
      if (!skewCorrected && isClockSkew(error) && correctClockSkew(response.headers())) {
        skewCorrected = true;
        continue;
      }
      if (!RetryPolicy.retryable(error) || retries >= options.maxRetries()) {
        throw error;
      }
      pause(retryPolicy.delay(retries++, retryAfterSeconds(error, response.headers())));
    }
  }

  private HttpRequest request(String target, byte[] payload) {
    Map<String, List<String>> signed = new LinkedHashMap<>();
    signed.put("host", List.of(host));
    signed.put("content-type", List.of(CONTENT_TYPE));
    signed.put("x-amz-target", List.of(target));
    // Signed per attempt so that a long backoff cannot push X-Amz-Date out of the server's window.
    Map<String, String> auth =
        SigV4.sign(
            "POST",
            uri.getRawPath(),
            uri.getRawQuery(),
            signed,
            payload,
            creds,
            region,
            SIGNING_NAME,
            clock.instant().plus(clockSkew));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(options.requestTimeout())
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .header("Content-Type", CONTENT_TYPE)
            .header("X-Amz-Target", target)
            .header("User-Agent", USER_AGENT);
    auth.forEach(b::header);
    return b.build();
  }

  private static byte[] serialize(String operation, JsonNode body) {
    Objects.requireNonNull(operation, "operation");
    if (body != null && !body.isObject()) {
      throw new IllegalArgumentException("the request body must be a JSON object");
    }
    ObjectNode copy = body == null ? MAPPER.createObjectNode() : ((ObjectNode) body).deepCopy();
    ServiceModel model = ServiceModel.load();
    model
        .operation(operation)
        .filter(op -> op.inputShape() != null)
        .map(op -> model.shape(op.inputShape()))
        .ifPresent(
            input ->
                input
                    .members()
                    .values()
                    .forEach(
                        m -> {
                          if (model.effectiveTraits(m).idempotencyToken() && !copy.has(m.name())) {
                            copy.put(m.name(), UUID.randomUUID().toString());
                          }
                        }));
    try {
      return MAPPER.writeValueAsBytes(copy);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise the request body", e);
    }
  }

  private static JsonNode parseSuccess(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return MAPPER.createObjectNode();
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new PcsClientException(
          "InvalidResponse",
          "the response body is not JSON",
          response.statusCode(),
          MissingNode.getInstance(),
          response.headers().firstValue("x-amzn-RequestId").orElse(null));
    }
  }

  private static boolean isClockSkew(PcsClientException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return e.errorType().equals("InvalidSignatureException")
        && (m.startsWith("Signature expired") || m.startsWith("Signature not yet current"));
  }

  /** Adopts the offset to the server's {@code Date} header; false if there is none to go by. */
  private boolean correctClockSkew(HttpHeaders headers) {
    try {
      Instant serverTime =
          ZonedDateTime.parse(
                  headers.firstValue("Date").orElse(""), DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant();
      clockSkew = Duration.between(clock.instant(), serverTime);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Integer retryAfterSeconds(PcsClientException e, HttpHeaders headers) {
    JsonNode v = e.body().get("retryAfterSeconds");
    if (v != null && v.canConvertToInt()) {
      return v.asInt();
    }
    try {
      return headers.firstValue("Retry-After").map(s -> Integer.valueOf(s.strip())).orElse(null);
    } catch (NumberFormatException ex) {
      return null; // an HTTP date; our server never sends one
    }
  }

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private static UncheckedIOException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    InterruptedIOException io = new InterruptedIOException("interrupted");
    io.initCause(e);
    return new UncheckedIOException(io);
  }

  private static String hostHeader(URI uri) {
    int port = uri.getPort();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    // The same rule java.net.http and the SDKs use: default ports are left out.
    boolean defaultPort = port == -1 || (https ? port == 443 : port == 80);
    return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  @Override
  public void close() {
    if (ownsHttp) {
      http.close();
    }
  }
}
