package org.openpcs.api.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorResponsesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({
    "ConflictException, ConflictException",
    "com.amazonaws.pcs#ConflictException, ConflictException",
    "ConflictException:http://internal.amazon.com/coral/com.amazon.pcs/, ConflictException",
    "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon/, FooError",
  })
  void stripsNamespaceAndSuffixFromTheType(String raw, String bare) {
    assertThat(ErrorResponses.bareType(raw)).isEqualTo(bare);
  }

  @Test
  void fallsBackToTheErrorTypeHeader() {
    PcsClientException e =
        ErrorResponses.from(
            400,
            headers(Map.of("x-amzn-ErrorType", List.of("ValidationException:http://x"))),
            "{\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8),
            JSON);
    assertThat(e.errorType()).isEqualTo("ValidationException");
    assertThat(e).hasMessage("m");
    assertThat(e.requestId()).isNull();
  }

  @Test
  void copesWithAnEmptyBody() {
    PcsClientException e = ErrorResponses.from(502, headers(Map.of()), new byte[0], JSON);
    assertThat(e.errorType()).isEqualTo("UnknownError");
    assertThat(e).hasMessage("HTTP 502");
    assertThat(e.toString()).isEqualTo("UnknownError (HTTP 502): HTTP 502");
  }

  @Test
  void retriesOnlyTransientErrors() {
    assertThat(RetryPolicy.retryable(error("ThrottlingException", 400))).isTrue();
    assertThat(RetryPolicy.retryable(error("InternalServerException", 500))).isTrue();
    assertThat(RetryPolicy.retryable(error("UnknownError", 504))).isTrue();
    assertThat(RetryPolicy.retryable(error("ValidationException", 400))).isFalse();
    assertThat(RetryPolicy.retryable(error("ValidationException", 503))).isFalse();
    assertThat(RetryPolicy.retryable(error("ConflictException", 409))).isFalse();
    assertThat(RetryPolicy.retryable(error("AccessDeniedException", 403))).isFalse();
  }

  @Test
  void backoffStaysWithinItsCap() {
    RetryPolicy policy = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(20));
    for (int retry = 0; retry < 40; retry++) {
      assertThat(policy.delay(retry, null))
          .isBetween(Duration.ZERO, Duration.ofSeconds(20))
          .isGreaterThanOrEqualTo(
              Duration.ofMillis(Math.min(20_000, 200L << Math.min(retry, 30)) / 2));
    }
    assertThat(policy.delay(0, 30)).isEqualTo(Duration.ofSeconds(30));
  }

  private static PcsClientException error(String type, int status) {
    return new PcsClientException(type, "m", status, JSON.createObjectNode(), null);
  }

  private static HttpHeaders headers(Map<String, List<String>> map) {
    return HttpHeaders.of(map, (k, v) -> true);
  }
}
