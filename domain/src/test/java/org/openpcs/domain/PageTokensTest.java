package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.openpcs.api.error.ValidationException;

class PageTokensTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Duration TTL = Duration.ofHours(24);

  /** A clock the test moves by hand. */
  static final class FakeClock extends Clock {
    private Instant now;

    FakeClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final FakeClock clock = new FakeClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final PageTokens tokens = new PageTokens(KEY, clock, TTL);

  private static AbstractThrowableAssert<?, ? extends Throwable> refusedAsNextToken(Runnable open) {
    return assertThatThrownBy(open::run)
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ValidationException.Reason.FIELD_VALIDATION_FAILED);
              assertThat(e.fields())
                  .singleElement()
                  .satisfies(f -> assertThat(f.name()).isEqualTo("nextToken"));
            });
  }

  @Test
  void aTokenResumesWhereItWasIssued() {
    String token = tokens.issue("clusters", 42);

    assertThat(tokens.open("clusters", token)).isEqualTo(42);
    assertThat(token).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void aTokenSurvivesARestartWithTheSameKey() {
    String token = tokens.issue("clusters", 7);
    PageTokens restarted = new PageTokens(KEY.clone(), clock, TTL);

    assertThat(restarted.open("clusters", token)).isEqualTo(7);
  }

  @Test
  void theKeyIsCopiedSoLaterChangesToTheArrayDoNotMatter() {
    byte[] key = KEY.clone();
    PageTokens own = new PageTokens(key, clock, TTL);
    String token = own.issue("s", 1);
    key[0] ^= 1;

    assertThat(own.open("s", token)).isEqualTo(1);
  }

  @Property(tries = 300)
  void roundTripForAnySequenceAndScope(
      @ForAll long afterSeq, @ForAll @AlphaChars @StringLength(max = 30) String scope) {
    assertThat(tokens.open(scope, tokens.issue(scope, afterSeq))).isEqualTo(afterSeq);
  }

  @Property(tries = 300)
  void flippingAnyBitOfTheTokenIsRefused(@ForAll long afterSeq, @ForAll int bitSeed) {
    byte[] raw = Base64.getUrlDecoder().decode(tokens.issue("clusters", afterSeq));
    int bit = Math.floorMod(bitSeed, raw.length * 8);
    raw[bit / 8] ^= (byte) (1 << (bit % 8));
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

    refusedAsNextToken(() -> tokens.open("clusters", tampered));
  }

  @Test
  void aRaisedSequenceWithTheOldMacIsRefused() {
    byte[] raw = Base64.getUrlDecoder().decode(tokens.issue("clusters", 1));
    raw[7] = 100; // afterSeq is the first 8 bytes, big-endian
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

    refusedAsNextToken(() -> tokens.open("clusters", tampered))
        .hasMessageContaining("not valid for this request");
  }

  @Test
  void aTokenOfAnotherScopeIsRefused() {
    String token = tokens.issue("cluster/pcs_aaaaaaaaaa/queues", 5);

    refusedAsNextToken(() -> tokens.open("cluster/pcs_bbbbbbbbbb/queues", token));
    refusedAsNextToken(() -> tokens.open("clusters", token));
  }

  @Test
  void aTokenOfALongerScopeDoesNotOpenItsPrefix() {
    String token = tokens.issue("ab", 3);
    refusedAsNextToken(() -> tokens.open("a", token));
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() {
    String foreign =
        new PageTokens(
                "another key, another server....".getBytes(StandardCharsets.UTF_8), clock, TTL)
            .issue("clusters", 5);

    refusedAsNextToken(() -> tokens.open("clusters", foreign));
  }

  @Test
  void garbageAndTruncatedTokensAreRefused() {
    String token = tokens.issue("clusters", 5);

    refusedAsNextToken(() -> tokens.open("clusters", "not base64 at all!"));
    refusedAsNextToken(() -> tokens.open("clusters", "%%%"));
    refusedAsNextToken(() -> tokens.open("clusters", ""));
    refusedAsNextToken(() -> tokens.open("clusters", "AAAA"));
    refusedAsNextToken(() -> tokens.open("clusters", token.substring(0, token.length() - 4)));
    refusedAsNextToken(() -> tokens.open("clusters", token.substring(1)));
    refusedAsNextToken(() -> tokens.open("clusters", token + "AAAA"));
    refusedAsNextToken(() -> tokens.open("clusters", token.substring(0, 5)))
        .hasMessage("The nextToken is not valid.");
  }

  @Test
  void aTokenExpiresAfterItsTimeToLive() {
    String token = tokens.issue("clusters", 9);

    clock.advance(TTL);
    assertThat(tokens.open("clusters", token)).isEqualTo(9);

    clock.advance(Duration.ofSeconds(1));
    refusedAsNextToken(() -> tokens.open("clusters", token)).hasMessageContaining("expired");
  }

  @Test
  void aFreshTokenIssuedLaterStillWorks() {
    tokens.issue("clusters", 1);
    clock.advance(TTL.multipliedBy(3));

    assertThat(tokens.open("clusters", tokens.issue("clusters", 2))).isEqualTo(2);
  }
}
