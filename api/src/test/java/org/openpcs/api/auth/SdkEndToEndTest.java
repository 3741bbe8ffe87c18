package org.openpcs.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.openpcs.api.auth.SdkSigner.ACCESS_KEY;
import static org.openpcs.api.auth.SdkSigner.SECRET;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.api.error.AuthenticationException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.ListClustersResponse;
import software.amazon.awssdk.services.pcs.model.PcsException;

/** The official PCS SDK, unmodified, against a server that verifies with {@link SigV4Verifier}. */
class SdkEndToEndTest {
  private HttpServer server;
  private final List<String> verifiedKeys = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

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
            id -> id.equals(ACCESS_KEY) ? Optional.of(SECRET) : Optional.empty());
    int status;
    String response;
    try {
      verifiedKeys.add(
          verifier.verify(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              ex.getRequestURI().getRawQuery(),
              ex.getRequestHeaders(),
              body));
      status = 200;
      response = "{\"clusters\":[]}";
    } catch (AuthenticationException e) {
      failures.add(e.errorType() + ": " + e.getMessage());
      status = e.httpStatus();
      response = "{\"__type\":\"" + e.errorType() + "\",\"message\":\"" + e.getMessage() + "\"}";
    }
    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    ex.getResponseHeaders().set("x-amzn-RequestId", "req-1");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private PcsClient client(String accessKey, String secret) {
    return PcsClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Test
  void aRealSdkRequestPassesVerification() {
    try (PcsClient pcs = client(ACCESS_KEY, SECRET)) {
      ListClustersResponse response = pcs.listClusters(r -> r.maxResults(5));
      assertThat(response.clusters()).isEmpty();
      pcs.getCluster(r -> r.clusterIdentifier("pcs_abcdef0123"));
    }
    assertThat(failures).isEmpty();
    assertThat(verifiedKeys).containsExactly(ACCESS_KEY, ACCESS_KEY);
  }

  @Test
  void aWrongSecretIsAnInvalidSignature() {
    try (PcsClient pcs = client(ACCESS_KEY, "wrong-secret")) {
      PcsException e = catchThrowableOfType(PcsException.class, () -> pcs.listClusters(r -> {}));
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
      assertThat(e.statusCode()).isEqualTo(403);
      assertThat(e.awsErrorDetails().errorMessage())
          .startsWith("The request signature we calculated does not match");
    }
    assertThat(verifiedKeys).isEmpty();
  }

  @Test
  void anUnknownKeyIsAnUnrecognizedClient() {
    try (PcsClient pcs = client("AKIAUNKNOWN000000000", SECRET)) {
      PcsException e = catchThrowableOfType(PcsException.class, () -> pcs.listClusters(r -> {}));
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void theSdkRecoversFromClockSkewThroughOurExpiredSignatureAnswer() {
    // The client's clock runs 20 minutes late; the SDK reads our "Signature expired" answer and
    // the response's Date header, corrects its offset and retries.
    SdkGlobalTime.setGlobalTimeOffset(20 * 60);
    try (PcsClient pcs = client(ACCESS_KEY, SECRET)) {
      assertThat(pcs.listClusters(r -> {}).clusters()).isEmpty();
    } finally {
      SdkGlobalTime.setGlobalTimeOffset(0);
    }
    assertThat(failures).hasSize(1).allMatch(f -> f.contains("Signature expired"));
    assertThat(verifiedKeys).containsExactly(ACCESS_KEY);
  }
}
