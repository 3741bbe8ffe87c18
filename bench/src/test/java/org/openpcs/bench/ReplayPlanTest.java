package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
  static SwfTrace trace(SwfTrace.Job... jobs) {
    return new SwfTrace(128, 128, List.of(jobs), 0);
  }

  @Test
  void compressesTimesScalesProcessorsToNodesAndCapsToTheGroup() {
    SwfTrace t =
        trace(
            new SwfTrace.Job(1, 1000, 0, 600, 1, -1),
            new SwfTrace.Job(2, 1100, 0, 60, 5, -1),
            new SwfTrace.Job(3, 1200, 0, 0, 64, -1));
    ReplayPlan p = ReplayPlan.of(t, 0, 10, 100, 2, 4, 1);
    assertThat(p.entries())
        .containsExactly(
            new ReplayPlan.Entry(1, 0, 6, 1),
            new ReplayPlan.Entry(2, 1, 1, 3), // 0.6 s raised to the 1 s minimum; ceil(5/2)=3
            new ReplayPlan.Entry(3, 2, 1, 4)); // 32 nodes capped to 4
    // job 1 runs 0..6 (1 node); job 2 1..2 (3); job 3 2..3 (4): peak 5 at t=2, capped to 4
    assertThat(p.peakNodes()).isEqualTo(4);
    assertThat(p.busyNodeSecondsPlanned()).isEqualTo(6 + 3 + 4);
    assertThat(p.spanSeconds()).isEqualTo(6);
  }

  @Test
  void windowStartsAtTheGivenJob() {
    SwfTrace t =
        trace(
            new SwfTrace.Job(1, 0, 0, 10, 1, -1),
            new SwfTrace.Job(2, 50, 0, 10, 1, -1),
            new SwfTrace.Job(3, 70, 0, 10, 1, -1));
    ReplayPlan p = ReplayPlan.of(t, 1, 5, 10, 1, 8, 0.5);
    assertThat(p.entries()).extracting(ReplayPlan.Entry::traceId).containsExactly(2L, 3L);
    assertThat(p.entries().get(1).submitAt()).isEqualTo(2.0);
    // two 1-s jobs at 0 and 2 never overlap
    assertThat(p.peakNodes()).isEqualTo(1);
  }

  @Test
  void rejectsAWindowOutsideTheTrace() {
    assertThatThrownBy(() -> ReplayPlan.of(trace(), 0, 5, 10, 1, 8, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
