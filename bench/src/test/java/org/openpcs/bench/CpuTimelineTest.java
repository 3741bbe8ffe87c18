package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuTimelineTest {
  private static final List<CpuTimeline.Sample> SAMPLES =
      List.of(
          new CpuTimeline.Sample(10.0, 1_000, 500),
          new CpuTimeline.Sample(11.0, 1_200, 540),
          new CpuTimeline.Sample(12.0, 1_300, 600));

  @Test
  void cpuBetweenSamplesIsInterpolated() {
    // machine: 10.5 -> 1,100 jiffies, 11.5 -> 1,250: 150 jiffies at 100 per second;
    // this process: 520 -> 570
    CpuTimeline.Usage u = CpuTimeline.between(SAMPLES, 10.5, 11.5);
    assertThat(u.machine()).isCloseTo(1.5, within(1e-9));
    assertThat(u.process()).isCloseTo(0.5, within(1e-9));
    assertThat(CpuTimeline.between(SAMPLES, 10.0, 12.0).machine()).isCloseTo(3.0, within(1e-9));
    assertThat(CpuTimeline.between(SAMPLES, 11.0, 11.0).machine()).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void anIntervalTheSamplesDoNotCoverHasNoValue() {
    assertThat(CpuTimeline.between(SAMPLES, 9.0, 11.0)).isNull();
    assertThat(CpuTimeline.between(SAMPLES, 11.0, 12.5)).isNull();
    assertThat(CpuTimeline.between(SAMPLES, 11.5, 10.5)).isNull();
    assertThat(CpuTimeline.between(List.of(), 1, 2)).isNull();
  }

  @Test
  void theLiveTimelineCoversWhatItSampled() throws Exception {
    try (CpuTimeline t = new CpuTimeline()) {
      double from = ColdStart.now();
      // busy one core for a moment, so the machine's counter must move
      long until = System.nanoTime() + 300_000_000L;
      long x = 0;
      while (System.nanoTime() < until) {
        x += System.nanoTime() % 7;
      }
      double to = ColdStart.now();
      CpuTimeline.Usage u = t.between(from, to);
      assertThat(u).as("x=" + x).isNotNull();
      assertThat(u.machine()).isGreaterThan(0.05);
      // the spinning was this process's
      assertThat(u.process()).isGreaterThan(0.05);
    }
  }
}
