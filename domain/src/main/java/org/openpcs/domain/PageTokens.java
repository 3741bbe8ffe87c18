package org.openpcs.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openpcs.api.error.ValidationException;

/**
 * Opaque {@code nextToken}s. A token is a keyset cursor (the insertion sequence of the last item
 * returned) bound to one listing scope and an expiry, sealed with an HMAC so that a tampered,
 * foreign or expired token is refused instead of silently skipping items. The key lives in the
 * store, so tokens survive restarts and work across server replicas.
 */
public final class PageTokens {
  private static final int MAC_BYTES = 16;
  private final byte[] key;
  private final Clock clock;
  private final Duration ttl;

  public PageTokens(byte[] key, Clock clock, Duration ttl) {
    this.key = key.clone();
    this.clock = clock;
    this.ttl = ttl;
  }

  /** A token that resumes the listing {@code scope} after sequence {@code afterSeq}. */
  public String issue(String scope, long afterSeq) {
    long expires = clock.instant().plus(ttl).getEpochSecond();
    ByteBuffer payload = ByteBuffer.allocate(16);
    payload.putLong(afterSeq).putLong(expires);
    byte[] body = payload.array();
    byte[] mac = mac(scope, body);
    byte[] token = Arrays.copyOf(body, body.length + MAC_BYTES);
    System.arraycopy(mac, 0, token, body.length, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** The sequence to resume after; a ValidationException naming {@code nextToken} otherwise. */
  public long open(String scope, String token) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("The nextToken is not valid.");
    }
    if (raw.length != 16 + MAC_BYTES) {
      throw invalid("The nextToken is not valid.");
    }
    byte[] body = Arrays.copyOf(raw, 16);
    byte[] mac = Arrays.copyOfRange(raw, 16, raw.length);
    if (!MessageDigest.isEqual(mac, Arrays.copyOf(mac(scope, body), MAC_BYTES))) {
      throw invalid("The nextToken is not valid for this request.");
    }
    ByteBuffer payload = ByteBuffer.wrap(body);
    long afterSeq = payload.getLong();
    long expires = payload.getLong();
    if (clock.instant().getEpochSecond() > expires) {
      throw invalid("The nextToken has expired; start the listing again without it.");
    }
    return afterSeq;
  }

  private static ValidationException invalid(String message) {
    return new ValidationException(
        ValidationException.Reason.FIELD_VALIDATION_FAILED,
        message,
        java.util.List.of(new ValidationException.Field("nextToken", message)));
  }

  private byte[] mac(String scope, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(scope.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
