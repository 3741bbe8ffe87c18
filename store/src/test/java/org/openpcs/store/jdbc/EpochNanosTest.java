package org.openpcs.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochNanosTest {
  @Test
  void everyNanosecondRoundTrips() {
    for (String text :
        new String[] {
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.999999999Z",
          "2025-03-04T05:06:07.123456789Z",
          "1677-09-21T00:12:43.145224192Z",
          "2262-04-11T23:47:16.854775807Z"
        }) {
      Instant instant = Instant.parse(text);
      assertThat(EpochNanos.toInstant(EpochNanos.of(instant))).isEqualTo(instant);
    }
  }

  @Test
  void instantsBeyondTheLongRangeAreRefused() {
    assertThatThrownBy(() -> EpochNanos.of(Instant.parse("2262-04-11T23:47:16.854775808Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1677 to 2262");
    assertThatThrownBy(() -> EpochNanos.of(Instant.MIN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
