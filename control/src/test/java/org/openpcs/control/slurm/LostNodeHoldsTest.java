package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.CustomSetting;

class LostNodeHoldsTest {
  private final FleetEventsTest.MutableClock clock =
      new FleetEventsTest.MutableClock(Instant.parse("2026-11-29T01:00:00Z"));
  private final Duration window = Duration.ofSeconds(13);

  @Test
  void theWindowIsMessageTimeoutPlusAMarginAndNeverShorterThanTheDefault() {
    assertThat(LostNodeHolds.window(List.of())).isEqualTo(Duration.ofSeconds(13));
    assertThat(LostNodeHolds.window(List.of(new CustomSetting("messagetimeout", " 30 "))))
        .isEqualTo(Duration.ofSeconds(33));
    assertThat(LostNodeHolds.window(List.of(new CustomSetting("MessageTimeout", "5"))))
        .isEqualTo(Duration.ofSeconds(13));
    assertThat(LostNodeHolds.window(List.of(new CustomSetting("MessageTimeout", "x"))))
        .isEqualTo(Duration.ofSeconds(13));
  }

  @Test
  void aNodeIsHeldForTheWholeWindowFromItsLoss() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    clock.advance(Duration.ofMinutes(5));
    holds.started("c", "n-1", window);

    clock.advance(Duration.ofSeconds(12));
    assertThat(holds.over("c", "n-1", window)).isFalse();
    assertThat(holds.over("other", "n-1", window)).as("another cluster's node").isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(holds.over("c", "n-1", window)).isTrue();
  }

  @Test
  void heldMeansARecordedLossWhoseWindowIsNotOver() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    assertThat(holds.held("c", "n-1"))
        .as("nothing recorded: not held, even at the start")
        .isFalse();
    holds.started("c", "n-1", window);
    clock.advance(Duration.ofSeconds(12));
    assertThat(holds.held("c", "n-1")).isTrue();
    assertThat(holds.held("c", "n-2")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(holds.held("c", "n-1")).isFalse();
  }

  @Test
  void aLossTheServerDidNotSeeCountsFromItsStart() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    clock.advance(Duration.ofSeconds(12));
    assertThat(holds.over("c", "n-1", window)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(holds.over("c", "n-1", window)).isTrue();
  }

  @Test
  void aSecondLossStartsANewWindow() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    clock.advance(Duration.ofMinutes(1));
    holds.started("c", "n-1", window);
    clock.advance(Duration.ofSeconds(20));
    assertThat(holds.over("c", "n-1", window)).isTrue();
    holds.started("c", "n-1", window);
    assertThat(holds.over("c", "n-1", window)).isFalse();
  }

  @Test
  void theNextEndIsTheEarliestPendingHoldOfTheCluster() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    assertThat(holds.untilNextEnd("c", window)).as("one window from the start").hasValue(window);
    clock.advance(Duration.ofMinutes(1));
    assertThat(holds.untilNextEnd("c", window)).isEmpty();

    holds.started("c", "n-1", window);
    clock.advance(Duration.ofSeconds(5));
    holds.started("c", "n-2", window);
    holds.started("other", "n-3", Duration.ofSeconds(1));
    assertThat(holds.untilNextEnd("c", window)).hasValue(Duration.ofSeconds(8));
    clock.advance(Duration.ofSeconds(8));
    assertThat(holds.untilNextEnd("c", window)).hasValue(Duration.ofSeconds(5));
    assertThat(holds.over("c", "n-1", window)).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(holds.untilNextEnd("c", window)).isEmpty();
  }

  @Test
  void aClusterBornUnderThisServerHasNoHoldsFromBeforeItsStartButItsOwnLossesCount() {
    LostNodeHolds holds = new LostNodeHolds(clock);
    holds.born("new");
    assertThat(holds.over("new", "n-1", window))
        .as("no loss before the start to wait for")
        .isTrue();
    assertThat(holds.untilNextEnd("new", window)).isEmpty();
    assertThat(holds.over("old", "n-1", window)).as("an older cluster still waits").isFalse();

    holds.started("new", "n-1", window);
    assertThat(holds.over("new", "n-1", window)).isFalse();
    assertThat(holds.untilNextEnd("new", window)).hasValue(window);

    // removed and created again under the same id before its Slurm started: the start counts again
    holds.forget("new");
    assertThat(holds.held("new", "n-1")).isFalse();
    assertThat(holds.over("new", "n-2", window)).isFalse();
  }
}
