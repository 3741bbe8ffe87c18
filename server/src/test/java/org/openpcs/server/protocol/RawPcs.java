package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpcs.api.PcsJson;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.auth.SigV4;

/**
 * A deliberately low-level PCS client for protocol tests: builds every request by hand over {@code
 * java.net.http}, so tests can leave out, break or tamper with any part of it (target, content
 * type, body, signature, clock) and see the raw answer.
 */
final class RawPcs implements AutoCloseable {
  static final String AMZ_JSON = "application/x-amz-json-1.0";
  static final String REGION = "us-east-1";

  private final URI endpoint;
  private final SigV4.Credentials credentials;
  private final HttpClient http;

  RawPcs(URI endpoint, SigV4.Credentials credentials) {
    this.endpoint = endpoint.resolve("/");
    this.credentials = credentials;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  URI endpoint() {
    return endpoint;
  }

  SigV4.Credentials credentials() {
    return credentials;
  }

  /** An HTTP answer with its body parsed as JSON when it is JSON. */
  record Response(int status, HttpHeaders headers, byte[] rawBody, JsonNode json) {
    String text() {
      return new String(rawBody, StandardCharsets.UTF_8);
    }

    String errorType() {
      return json.path("__type").asText(null);
    }

    String message() {
      return json.path("message").asText(null);
    }

    String reason() {
      return json.path("reason").asText(null);
    }

    List<String> fieldNames() {
      return json.path("fieldList").findValuesAsText("name");
    }

    String requestId() {
      return headers.firstValue("x-amzn-RequestId").orElse(null);
    }

    String contentType() {
      return headers.firstValue("Content-Type").orElse(null);
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + text();
    }
  }

  /** Everything about one request; {@code null} means "leave it out". */
  record Spec(
      String method,
      String path,
      String target,
      String contentType,
      byte[] body,
      SigV4.Credentials signer,
      Instant signedAt,
      byte[] sentBody,
      String sentTarget) {

    Spec target(String t) {
      return new Spec(method, path, t, contentType, body, signer, signedAt, sentBody, sentTarget);
    }

    Spec contentType(String c) {
      return new Spec(method, path, target, c, body, signer, signedAt, sentBody, sentTarget);
    }

    Spec body(byte[] b) {
      return new Spec(method, path, target, contentType, b, signer, signedAt, null, sentTarget);
    }

    Spec body(String b) {
      return body(b.getBytes(StandardCharsets.UTF_8));
    }

    Spec signer(SigV4.Credentials s) {
      return new Spec(method, path, target, contentType, body, s, signedAt, sentBody, sentTarget);
    }

    Spec unsigned() {
      return signer(null);
    }

    Spec signedAt(Instant t) {
      return new Spec(method, path, target, contentType, body, signer, t, sentBody, sentTarget);
    }

    /** Signs {@link #body} but sends these bytes instead. */
    Spec tamperedBody(byte[] b) {
      return new Spec(method, path, target, contentType, body, signer, signedAt, b, sentTarget);
    }

    /** Signs {@link #target} but sends this {@code X-Amz-Target} instead. */
    Spec tamperedTarget(String t) {
      return new Spec(method, path, target, contentType, body, signer, signedAt, sentBody, t);
    }

    Spec method(String m) {
      return new Spec(m, path, target, contentType, body, signer, signedAt, sentBody, sentTarget);
    }

    Spec path(String p) {
      return new Spec(method, p, target, contentType, body, signer, signedAt, sentBody, sentTarget);
    }
  }

  /** A correctly signed POST of {@code operation} with {@code body}, ready to be varied. */
  Spec spec(String operation, JsonNode body) {
    return new Spec(
        "POST",
        "/",
        ServiceModel.TARGET_PREFIX + operation,
        AMZ_JSON,
        bytes(body),
        credentials,
        null,
        null,
        null);
  }

  Response call(String operation, JsonNode body) {
    return send(spec(operation, body));
  }

  /** Calls an operation and insists on success. */
  JsonNode ok(String operation, JsonNode body) {
    Response r = call(operation, body);
    assertThat(r.status()).as("%s %s -> %s", operation, body, r).isEqualTo(200);
    return r.json();
  }

  Response send(Spec spec) {
    byte[] signedBody = spec.body() == null ? new byte[0] : spec.body();
    byte[] sentBody = spec.sentBody() != null ? spec.sentBody() : signedBody;
    URI uri = endpoint.resolve(spec.path());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .method(
                spec.method(),
                sentBody.length == 0 && !spec.method().equals("POST")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(sentBody));
    Map<String, List<String>> toSign = new LinkedHashMap<>();
    toSign.put("host", List.of(hostHeader(uri)));
    if (spec.contentType() != null) {
      b.header("Content-Type", spec.contentType());
      toSign.put("content-type", List.of(spec.contentType()));
    }
    if (spec.target() != null) {
      b.header("X-Amz-Target", spec.sentTarget() != null ? spec.sentTarget() : spec.target());
      toSign.put("x-amz-target", List.of(spec.target()));
    }
    if (spec.signer() != null) {
      Instant at = spec.signedAt() != null ? spec.signedAt() : Instant.now();
      SigV4.sign(
              spec.method(),
              uri.getRawPath(),
              uri.getRawQuery(),
              toSign,
              signedBody,
              spec.signer(),
              REGION,
              "pcs",
              at)
          .forEach(b::header);
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.headers(), r.body(), parse(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(spec.method() + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A plain unsigned GET, e.g. for {@code /health}. */
  Response get(String path) {
    return send(new Spec("GET", path, null, null, new byte[0], null, null, null, null));
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) PcsJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static ObjectNode object() {
    return PcsJson.mapper().createObjectNode();
  }

  static byte[] bytes(JsonNode body) {
    if (body == null) {
      return new byte[0];
    }
    try {
      return PcsJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode n = PcsJson.mapper().readTree(body);
      return n == null ? MissingNode.getInstance() : n;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private static String hostHeader(URI uri) {
    int port = uri.getPort();
    return port == -1 || port == 80 ? uri.getHost() : uri.getHost() + ":" + port;
  }

  @Override
  public void close() {
    http.close();
  }
}
