package org.openpcs.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.openpcs.api.error.AuthenticationException;
import org.openpcs.api.error.AuthenticationException.Kind;

/**
 * Server-side SigV4 check. Error kinds and messages follow AWS because SDKs act on them: a
 * "Signature expired" / "not yet current" {@code InvalidSignatureException} makes them correct
 * their clock skew and retry. Messages never contain secrets or the expected signature.
 */
public final class SigV4Verifier {
  /** How far {@code X-Amz-Date} may be from our clock, as in AWS. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private final Clock clock;
  private final String service;
  private final Function<String, Optional<String>> secrets;

  /**
   * @param service the signing name requests must be scoped to ({@code pcs})
   * @param secrets the secret access key of an access key id, if the key exists and is active
   */
  public SigV4Verifier(Clock clock, String service, Function<String, Optional<String>> secrets) {
    this.clock = Objects.requireNonNull(clock);
    this.service = Objects.requireNonNull(service);
    this.secrets = Objects.requireNonNull(secrets);
  }

  /**
   * Verifies a request and returns the access key id that signed it.
   *
   * @param rawPath the request path as received, still percent-encoded
   * @param rawQuery the query as received, or {@code null}
   * @param headers request headers; names are matched case-insensitively
   * @throws AuthenticationException if the request is not correctly signed by a known key
   */
  public String verify(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    Map<String, List<String>> h = caseInsensitive(headers);

    String authorization = first(h, "authorization");
    if (authorization == null || authorization.isBlank()) {
      throw new AuthenticationException(Kind.MISSING_TOKEN, "Missing Authentication Token");
    }
    AuthorizationHeader auth = AuthorizationHeader.parse(authorization);

    String amzDate = first(h, "x-amz-date");
    if (amzDate == null) {
      throw incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
    }
    amzDate = amzDate.strip();
    Instant signedAt = parseAmzDate(amzDate);
    checkSignedHeaders(auth.signedHeaders(), h);
    if (!auth.service().equals(service)) {
      throw incomplete("Credential should be scoped to correct service: '" + service + "'.");
    }
    if (!auth.terminator().equals(SigV4.TERMINATOR)) {
      throw incomplete(
          "Credential should be scoped with a valid terminator: '" + SigV4.TERMINATOR + "'.");
    }
    if (!auth.date().equals(amzDate.substring(0, 8))) {
      throw incomplete(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '"
              + auth.date()
              + "' != '"
              + amzDate.substring(0, 8)
              + "', from 'X-Amz-Date'.");
    }

    String secret =
        secrets
            .apply(auth.accessKeyId())
            .orElseThrow(
                () ->
                    new AuthenticationException(
                        Kind.UNRECOGNIZED_CLIENT,
                        "The security token included in the request is invalid."));

    checkClock(signedAt);

    String payloadHash = SigV4.sha256Hex(body == null ? new byte[0] : body);
    String claimedHash = first(h, "x-amz-content-sha256");
    if (claimedHash != null && !claimedHash.strip().equalsIgnoreCase(payloadHash)) {
      throw new AuthenticationException(
          Kind.INVALID_SIGNATURE,
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    Map<String, List<String>> signed = new LinkedHashMap<>();
    for (String name : auth.signedHeaders()) {
      signed.put(name, h.get(name));
    }
    String canonical = CanonicalRequest.build(method, rawPath, rawQuery, signed, payloadHash);
    String expected =
        SigV4.signature(secret, auth.date(), auth.region(), service, amzDate, canonical);
    // Constant time, so response timing does not reveal how much of a guess was right.
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        auth.signature().getBytes(StandardCharsets.US_ASCII))) {
      throw new AuthenticationException(
          Kind.INVALID_SIGNATURE,
          "The request signature we calculated does not match the signature you provided. Check"
              + " your AWS Secret Access Key and signing method.");
    }
    return auth.accessKeyId();
  }

  private static void checkSignedHeaders(List<String> signedHeaders, Map<String, List<String>> h) {
    List<String> lower = signedHeaders.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    if (!lower.contains("host")) {
      throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    // Unsigned, the time could be moved within the scope's day and a captured request replayed.
    if (!lower.contains("x-amz-date")) {
      throw incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    }
    for (String name : signedHeaders) {
      if (!h.containsKey(name)) {
        throw incomplete("Signed header '" + name + "' is not present in the request.");
      }
    }
  }

  private void checkClock(Instant signedAt) {
    Instant now = clock.instant();
    Instant earliest = now.minus(MAX_SKEW);
    Instant latest = now.plus(MAX_SKEW);
    if (signedAt.isBefore(earliest)) {
      throw new AuthenticationException(
          Kind.INVALID_SIGNATURE,
          "Signature expired: "
              + SigV4.AMZ_DATE.format(signedAt)
              + " is now earlier than "
              + SigV4.AMZ_DATE.format(earliest)
              + " ("
              + SigV4.AMZ_DATE.format(now)
              + " - 15 min.)");
    }
    if (signedAt.isAfter(latest)) {
      throw new AuthenticationException(
          Kind.INVALID_SIGNATURE,
          "Signature not yet current: "
              + SigV4.AMZ_DATE.format(signedAt)
              + " is still later than "
              + SigV4.AMZ_DATE.format(latest)
              + " ("
              + SigV4.AMZ_DATE.format(now)
              + " + 15 min.)");
    }
  }

  private static Instant parseAmzDate(String amzDate) {
    try {
      return SigV4.AMZ_DATE.parse(amzDate, Instant::from);
    } catch (DateTimeParseException e) {
      throw incomplete("X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z'.");
    }
  }

  private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
    Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) -> {
          // HttpURLConnection-style maps carry the status line under a null key.
          if (name != null && values != null) {
            h.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
          }
        });
    return h;
  }

  private static String first(Map<String, List<String>> h, String name) {
    List<String> values = h.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static AuthenticationException incomplete(String message) {
    return new AuthenticationException(Kind.INCOMPLETE_SIGNATURE, message);
  }
}
