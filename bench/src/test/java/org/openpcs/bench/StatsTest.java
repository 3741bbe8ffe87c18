package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void nearestRankMedianAndP90() {
    Stats s = Stats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 9.0, 8.0, 7.0, 6.0));
    assertThat(s.n()).isEqualTo(10);
    assertThat(s.median()).isEqualTo(5.0);
    assertThat(s.p90()).isEqualTo(9.0);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isEqualTo(10.0);
    assertThat(s.mean()).isEqualTo(5.5);
  }

  @Test
  void twoSamplesGiveTheLowerAsMedianAndTheHigherAsP90() {
    Stats s = Stats.of(List.of(3.0, 1.0));
    assertThat(s.median()).isEqualTo(1.0);
    assertThat(s.p90()).isEqualTo(3.0);
  }

  @Test
  void missingValuesAreIgnoredAndNoneGivesNulls() {
    assertThat(Stats.of(Arrays.asList(null, Double.NaN, 2.0)).median()).isEqualTo(2.0);
    Stats empty = Stats.of(List.of());
    assertThat(empty.n()).isZero();
    assertThat(empty.median()).isNull();
  }
}
