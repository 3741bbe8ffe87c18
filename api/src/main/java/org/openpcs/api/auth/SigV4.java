package org.openpcs.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 (header form). Our CLI and agent sign with it and the server verifies
 * with {@link SigV4Verifier}; both go through {@link CanonicalRequest}, and tests pin the output to
 * the AWS SDK's own signer so official SDKs and our tools are interchangeable.
 */
public final class SigV4 {
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String TERMINATOR = "aws4_request";

  /** {@code yyyyMMdd'T'HHmmss'Z'}, the format of {@code X-Amz-Date}. */
  public static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * Headers the AWS SDK leaves unsigned because proxies and HTTP stacks rewrite them; signing them
   * would make valid requests fail.
   */
  static final Set<String> UNSIGNED_HEADERS =
      Set.of("authorization", "connection", "x-amzn-trace-id", "user-agent", "expect");

  private SigV4() {}

  /** An access key pair. {@link #toString()} never shows the secret. */
  public record Credentials(String accessKeyId, String secretAccessKey) {
    public Credentials {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    @Override
    public String toString() {
      return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
    }
  }

  /**
   * Signs a request and returns the headers to add to it: {@code X-Amz-Date}, {@code
   * x-amz-content-sha256} and {@code Authorization}.
   *
   * @param headers the headers that will be sent (at least {@code host}); all of them are signed
   *     except those HTTP stacks rewrite ({@code user-agent}, {@code connection}, ...)
   * @param rawPath the path exactly as it goes on the wire (percent-encoded)
   * @param rawQuery the query as it goes on the wire, or {@code null}
   */
  public static Map<String, String> sign(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      Credentials creds,
      String region,
      String service,
      Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String payloadHash = sha256Hex(body == null ? new byte[0] : body);

    TreeMap<String, List<String>> signed = new TreeMap<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!UNSIGNED_HEADERS.contains(lower)) {
            signed.computeIfAbsent(lower, k -> new ArrayList<>()).addAll(values);
          }
        });
    if (!signed.containsKey("host")) {
      throw new IllegalArgumentException("the headers to sign must include host");
    }
    signed.put("x-amz-date", List.of(amzDate));
    signed.put("x-amz-content-sha256", List.of(payloadHash));

    String canonical = CanonicalRequest.build(method, rawPath, rawQuery, signed, payloadHash);
    String date = amzDate.substring(0, 8);
    String scope = scope(date, region, service);
    String signature =
        signature(creds.secretAccessKey(), date, region, service, amzDate, canonical);

    Map<String, String> out = new LinkedHashMap<>();
    out.put("X-Amz-Date", amzDate);
    out.put("x-amz-content-sha256", payloadHash);
    out.put(
        "Authorization",
        ALGORITHM
            + " Credential="
            + creds.accessKeyId()
            + "/"
            + scope
            + ", SignedHeaders="
            + String.join(";", signed.keySet())
            + ", Signature="
            + signature);
    return out;
  }

  static String scope(String date, String region, String service) {
    return date + "/" + region + "/" + service + "/" + TERMINATOR;
  }

  /** The hex signature of a canonical request. */
  static String signature(
      String secret,
      String date,
      String region,
      String service,
      String amzDate,
      String canonicalRequest) {
    String stringToSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + scope(date, region, service)
            + "\n"
            + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, TERMINATOR);
    return HexFormat.of().formatHex(hmac(key, stringToSign));
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
