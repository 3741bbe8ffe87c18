package org.openpcs.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.openpcs.api.auth.SdkSigner.ACCESS_KEY;
import static org.openpcs.api.auth.SdkSigner.BODY;
import static org.openpcs.api.auth.SdkSigner.NOW;
import static org.openpcs.api.auth.SdkSigner.SECRET;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpcs.api.error.AuthenticationException;
import org.openpcs.api.error.AuthenticationException.Kind;
import software.amazon.awssdk.http.SdkHttpRequest;

class SigV4VerifierTest {
  private static final String MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method.";

  private final SdkHttpRequest signed = SdkSigner.signPcs(BODY);
  private final Map<String, List<String>> headers = SdkSigner.headers(signed);

  @Test
  void acceptsARequestSignedByTheSdk() {
    assertThat(verify(headers, BODY)).isEqualTo(ACCESS_KEY);
  }

  @Test
  void looksHeadersUpCaseInsensitively() {
    // com.sun.net.httpserver spells them "X-amz-date", servlet containers keep the client's case.
    Map<String, List<String>> mangled = new LinkedHashMap<>();
    headers.forEach(
        (k, v) ->
            mangled.put(
                k.length() % 2 == 0 ? k.toUpperCase(Locale.ROOT) : k.toLowerCase(Locale.ROOT), v));
    assertThat(verify(mangled, BODY)).isEqualTo(ACCESS_KEY);
  }

  @Test
  void acceptsAnyRegionInTheScope() {
    SdkHttpRequest r =
        SdkSigner.sign(
            SdkSigner.pcsRequest(BODY).build(),
            BODY,
            ACCESS_KEY,
            SECRET,
            "eu-central-1",
            "pcs",
            NOW);
    assertThat(verify(SdkSigner.headers(r), BODY)).isEqualTo(ACCESS_KEY);
  }

  @Test
  void acceptsOurOwnSignature() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Host", List.of("pcs.example.org"));
    h.put("Content-Type", List.of(SdkSigner.CONTENT_TYPE));
    h.put("X-Amz-Target", List.of(SdkSigner.TARGET));
    SigV4.sign(
            "POST",
            "/",
            null,
            h,
            BODY,
            new SigV4.Credentials(ACCESS_KEY, SECRET),
            "local",
            "pcs",
            NOW)
        .forEach((k, v) -> h.put(k, List.of(v)));
    assertThat(verify(h, BODY)).isEqualTo(ACCESS_KEY);
  }

  @Test
  void missingAuthorizationIsAMissingToken() {
    headers.remove("Authorization");
    AuthenticationException e = reject(headers, BODY, Kind.MISSING_TOKEN);
    assertThat(e).hasMessage("Missing Authentication Token");
    assertThat(e.errorType()).isEqualTo("MissingAuthenticationTokenException");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer abc",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 garbage",
        "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs/aws4_request, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs/aws4_request,"
            + " SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs, SignedHeaders=host;x-amz-date,"
            + " Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/2025-03-14/us-east-1/pcs/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs/aws4_request,"
            + " SignedHeaders=host;;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs/aws5_request,"
            + " SignedHeaders=host;x-amz-date, Signature=abc",
      })
  void malformedAuthorizationIsAnIncompleteSignature(String authorization) {
    headers.put("Authorization", List.of(authorization));
    reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE);
  }

  @Test
  void namesTheMissingParameters() {
    headers.put(
        "Authorization",
        List.of("AWS4-HMAC-SHA256 Credential=AK/20250314/us-east-1/pcs/aws4_request"));
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE))
        .hasMessage(
            "Authorization header requires 'Signature' parameter. Authorization header requires"
                + " 'SignedHeaders' parameter.");
  }

  @Test
  void missingDateIsAnIncompleteSignature() {
    headers.remove("X-Amz-Date");
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE)).hasMessageContaining("X-Amz-Date");
  }

  @Test
  void malformedDateIsAnIncompleteSignature() {
    headers.put("X-Amz-Date", List.of("2025-03-14T15:09:26Z"));
    reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE);
  }

  @Test
  void aSignedHeaderThatIsAbsentIsAnIncompleteSignature() {
    headers.remove("amz-sdk-invocation-id");
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE))
        .hasMessageContaining("amz-sdk-invocation-id");
  }

  @Test
  void hostMustBeSigned() {
    replaceInAuthorization(";host;", ";");
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE)).hasMessageContaining("'Host'");
  }

  @Test
  void dateMustBeSigned() {
    replaceInAuthorization(";x-amz-date;", ";");
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE))
        .hasMessageContaining("'X-Amz-Date'");
  }

  @Test
  void anotherServiceIsAnIncompleteSignature() {
    SdkHttpRequest r =
        SdkSigner.sign(
            SdkSigner.pcsRequest(BODY).build(), BODY, ACCESS_KEY, SECRET, "us-east-1", "ec2", NOW);
    assertThat(reject(SdkSigner.headers(r), BODY, Kind.INCOMPLETE_SIGNATURE))
        .hasMessage("Credential should be scoped to correct service: 'pcs'.");
  }

  @Test
  void scopeDateMustBeTheDayOfTheRequestDate() {
    headers.put("X-Amz-Date", List.of("20250315T000100Z"));
    assertThat(reject(headers, BODY, Kind.INCOMPLETE_SIGNATURE))
        .hasMessageContaining("'20250314' != '20250315'");
  }

  @Test
  void unknownKeyIsAnUnrecognizedClient() {
    SigV4Verifier verifier = new SigV4Verifier(clockAt(NOW), "pcs", id -> Optional.empty());
    AuthenticationException e =
        catchThrowableOfType(
            AuthenticationException.class, () -> verifier.verify("POST", "/", null, headers, BODY));
    assertThat(e.kind()).isEqualTo(Kind.UNRECOGNIZED_CLIENT);
    assertThat(e).hasMessage("The security token included in the request is invalid.");
  }

  @ParameterizedTest
  @ValueSource(longs = {-14, -1, 0, 1, 14})
  void acceptsClockSkewUpToFifteenMinutes(long minutes) {
    assertThat(
            verifierAt(NOW.plus(Duration.ofMinutes(minutes)))
                .verify("POST", "/", null, headers, BODY))
        .isEqualTo(ACCESS_KEY);
  }

  @Test
  void exactlyFifteenMinutesIsStillAccepted() {
    assertThat(
            verifierAt(NOW.plus(Duration.ofMinutes(15))).verify("POST", "/", null, headers, BODY))
        .isEqualTo(ACCESS_KEY);
  }

  @Test
  void aRequestSixteenMinutesOldHasExpired() {
    AuthenticationException e =
        catchThrowableOfType(
            AuthenticationException.class,
            () ->
                verifierAt(Instant.parse("2025-03-14T15:25:26Z"))
                    .verify("POST", "/", null, headers, BODY));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_SIGNATURE);
    assertThat(e)
        .hasMessage(
            "Signature expired: 20250314T150926Z is now earlier than 20250314T151026Z"
                + " (20250314T152526Z - 15 min.)");
  }

  @Test
  void aRequestSixteenMinutesAheadIsNotYetCurrent() {
    AuthenticationException e =
        catchThrowableOfType(
            AuthenticationException.class,
            () ->
                verifierAt(Instant.parse("2025-03-14T14:53:26Z"))
                    .verify("POST", "/", null, headers, BODY));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_SIGNATURE);
    assertThat(e)
        .hasMessage(
            "Signature not yet current: 20250314T150926Z is still later than 20250314T150826Z"
                + " (20250314T145326Z + 15 min.)");
  }

  @Test
  void aTamperedBodyFails() {
    byte[] tampered = "{\"maxResults\":6}".getBytes();
    reject(headers, tampered, Kind.INVALID_SIGNATURE);
    // Even with a matching content hash header, the signature gives it away.
    headers.put("x-amz-content-sha256", List.of(SigV4.sha256Hex(tampered)));
    assertThat(reject(headers, tampered, Kind.INVALID_SIGNATURE)).hasMessage(MISMATCH);
  }

  @Test
  void aTamperedHeaderFails() {
    headers.put("Content-Type", List.of("application/json"));
    assertThat(reject(headers, BODY, Kind.INVALID_SIGNATURE)).hasMessage(MISMATCH);
  }

  @Test
  void aTamperedTargetFails() {
    headers.put("X-Amz-Target", List.of("AWSParallelComputingService.DeleteCluster"));
    assertThat(reject(headers, BODY, Kind.INVALID_SIGNATURE)).hasMessage(MISMATCH);
  }

  @Test
  void aTamperedPathOrQueryFails() {
    SigV4Verifier v = verifierAt(NOW);
    assertThatThrownBy(() -> v.verify("POST", "/other", null, headers, BODY))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage(MISMATCH);
    assertThatThrownBy(() -> v.verify("POST", "/", "a=b", headers, BODY)).hasMessage(MISMATCH);
    assertThatThrownBy(() -> v.verify("PUT", "/", null, headers, BODY)).hasMessage(MISMATCH);
  }

  @Test
  void anotherKeysSignatureFails() {
    SdkHttpRequest r =
        SdkSigner.sign(
            SdkSigner.pcsRequest(BODY).build(),
            BODY,
            ACCESS_KEY,
            "not-the-secret",
            "us-east-1",
            "pcs",
            NOW);
    assertThat(reject(SdkSigner.headers(r), BODY, Kind.INVALID_SIGNATURE)).hasMessage(MISMATCH);
  }

  @Test
  void aChangedSignatureFails() {
    String auth = headers.get("Authorization").get(0);
    char last = auth.charAt(auth.length() - 1);
    headers.put(
        "Authorization", List.of(auth.substring(0, auth.length() - 1) + (last == '0' ? '1' : '0')));
    assertThat(reject(headers, BODY, Kind.INVALID_SIGNATURE)).hasMessage(MISMATCH);
  }

  private void replaceInAuthorization(String from, String to) {
    String auth = headers.get("Authorization").get(0);
    assertThat(auth).contains(from);
    headers.put("Authorization", List.of(auth.replace(from, to)));
  }

  private static String verify(Map<String, List<String>> h, byte[] body) {
    return verifierAt(NOW).verify("POST", "/", null, h, body);
  }

  private static AuthenticationException reject(
      Map<String, List<String>> h, byte[] body, Kind kind) {
    AuthenticationException e =
        catchThrowableOfType(AuthenticationException.class, () -> verify(h, body));
    assertThat(e).as("expected %s", kind).isNotNull();
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.getMessage()).doesNotContain(SECRET);
    return e;
  }

  private static SigV4Verifier verifierAt(Instant now) {
    return new SigV4Verifier(
        clockAt(now), "pcs", id -> id.equals(ACCESS_KEY) ? Optional.of(SECRET) : Optional.empty());
  }

  private static Clock clockAt(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }
}
