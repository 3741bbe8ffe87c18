package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayMetricsTest {
  @Test
  void billedBusyRatioCostAndWaits() {
    List<ReplayMetrics.Interval> instances =
        List.of(
            new ReplayMetrics.Interval("i-1", 100, 200.0), // 100 s
            new ReplayMetrics.Interval("i-2", 150, null)); // running: billed to `until`
    List<ReplayMetrics.JobRecord> jobs =
        List.of(
            new ReplayMetrics.JobRecord(1, 100, 110.0, 170.0, 1), // waited 10, busy 60
            new ReplayMetrics.JobRecord(2, 150, 150.0, 190.0, 2)); // waited 0, busy 80
    ReplayMetrics m = ReplayMetrics.compute(instances, jobs, 0.36, 250);
    assertThat(m.billedInstanceSeconds()).isEqualTo(200);
    assertThat(m.busyNodeSeconds()).isEqualTo(140);
    assertThat(m.billedOverBusy()).isCloseTo(200.0 / 140, within(1e-9));
    assertThat(m.cost()).isCloseTo(0.02, within(1e-9)); // 200 s at $0.36/h
    assertThat(m.meanWaitSeconds()).isEqualTo(5.0);
    assertThat(m.p90WaitSeconds()).isEqualTo(10.0);
    assertThat(m.unfinishedJobs()).isZero();
  }

  @Test
  void jobsThatNeverStartedCountAsUnfinishedAndNoBusyTimeGivesNoRatio() {
    ReplayMetrics m =
        ReplayMetrics.compute(
            List.of(), List.of(new ReplayMetrics.JobRecord(1, 0, null, null, 1)), 1, 10);
    assertThat(m.unfinishedJobs()).isEqualTo(1);
    assertThat(m.billedOverBusy()).isNull();
    assertThat(m.meanWaitSeconds()).isNull();
  }
}
