package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingLogIntervalsTest {
  static String line(String ts, String node, String id, String state) {
    return "{\"event_timestamp\":\""
        + ts
        + "\",\"resource_id\":\"pcs_x\",\"node_name\":\""
        + node
        + "\",\"instance_id\":"
        + (id == null ? "null" : "\"" + id + "\"")
        + ",\"state\":\""
        + state
        + "\",\"reason\":\"SCHEDULER_REQUESTED\"}";
  }

  @Test
  void billsEachInstanceFromLaunchToTermination() {
    List<ScalingLogIntervals.Step> steps =
        ScalingLogIntervals.parse(
            List.of(
                line("2026-01-01T00:00:00Z", "c-1", "i-a", "LAUNCHED"),
                line("2026-01-01T00:00:01.500Z", "c-1", "i-a", "REGISTERED"),
                line("2026-01-01T00:00:02Z", "c-1", "i-a", "ACTIVE"),
                line("2026-01-01T00:00:05Z", "c-2", "i-b", "LAUNCHED"),
                line("2026-01-01T00:01:00Z", "c-1", "i-a", "TERMINATED"),
                line("2026-01-01T00:01:00Z", "c-3", null, "LAUNCH_FAILED"),
                "{torn"));
    assertThat(steps).hasSize(6);
    List<ReplayMetrics.Interval> billed = ScalingLogIntervals.billed(steps);
    assertThat(billed).hasSize(2);
    assertThat(billed.get(0).end() - billed.get(0).start()).isEqualTo(60.0);
    assertThat(billed.get(1).end()).isNull();
    double t0 = billed.get(0).start();
    assertThat(ScalingLogIntervals.first(steps, "c-1", "REGISTERED", t0)).isEqualTo(t0 + 1.5);
    assertThat(ScalingLogIntervals.first(steps, "c-2", "ACTIVE", t0)).isNull();
  }
}
