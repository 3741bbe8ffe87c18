package org.openpcs.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openpcs.provider.MutableClock;

class RandomInterruptionsTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final List<String> fleet = IntStream.range(0, 100).mapToObj(i -> "i-" + i).toList();

  @Test
  void theNumberOfInterruptionsFollowsTheRateWhateverThePollingInterval() {
    // 2 per instance-hour over half an hour: each instance is picked with p = 1 - e^-1 ≈ 0.632
    for (Duration step : List.of(Duration.ofSeconds(1), Duration.ofMinutes(5))) {
      var r = new RandomInterruptions(2.0, new SplittableRandom(42), clock);
      java.util.Set<String> interrupted = new java.util.HashSet<>();
      for (long t = 0; t < Duration.ofMinutes(30).toNanos(); t += step.toNanos()) {
        clock.advance(step);
        interrupted.addAll(r.pick(fleet.stream().filter(i -> !interrupted.contains(i)).toList()));
      }
      assertThat(interrupted.size()).as("step %s", step).isBetween(50, 77);
    }
  }

  @Test
  void sameSeedSameClockSameInterruptions() {
    var a = new RandomInterruptions(10.0, new SplittableRandom(7), clock);
    var b = new RandomInterruptions(10.0, new SplittableRandom(7), clock);
    clock.advance(Duration.ofMinutes(3));
    List<String> first = a.pick(fleet);
    assertThat(b.pick(fleet)).isEqualTo(first).isNotEmpty();
  }

  @Test
  void zeroRateOrNoElapsedTimeInterruptsNothing() {
    var off = new RandomInterruptions(0, new SplittableRandom(1), clock);
    clock.advance(Duration.ofDays(10));
    assertThat(off.enabled()).isFalse();
    assertThat(off.pick(fleet)).isEmpty();

    var on = new RandomInterruptions(1e6, new SplittableRandom(1), clock);
    assertThat(on.pick(fleet)).as("no time has passed").isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(on.pick(fleet)).hasSize(100);
  }

  @Test
  void refusesNonsenseRates() {
    assertThatThrownBy(() -> new RandomInterruptions(-1, new SplittableRandom(), clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RandomInterruptions(Double.NaN, new SplittableRandom(), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
