package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatsTest {
  @Test
  void theWaitBeforeTheNextBeatIsTheIntervalWithinTenPercent() {
    long interval = 30_000_000_000L;
    assertThat(Heartbeats.jittered(interval, 0.0)).isEqualTo(27_000_000_000L);
    assertThat(Heartbeats.jittered(interval, 0.5)).isEqualTo(interval);
    assertThat(Heartbeats.jittered(interval, 0.999999)).isBetween(32_999_000_000L, 33_000_000_000L);
  }
}
