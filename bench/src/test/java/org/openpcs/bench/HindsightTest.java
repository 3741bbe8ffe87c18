package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class HindsightTest {
  private static ReplayMetrics.JobRecord job(double start, double end, int nodes) {
    return new ReplayMetrics.JobRecord(0, start, start, end, nodes);
  }

  @Test
  void oneJobCostsItsNodesBootAndRun() {
    assertThat(Hindsight.billed(List.of(job(10, 20, 2)), 3)).isCloseTo(2 * (3 + 10), within(1e-9));
  }

  @Test
  void aShortGapIsBridgedAndALongOneCostsARelaunch() {
    // gap of 2 s (< 5 s relaunch): kept; gap of 50 s: released and launched again for 5 s
    List<ReplayMetrics.JobRecord> jobs = List.of(job(0, 10, 1), job(12, 20, 1), job(70, 80, 1));
    assertThat(Hindsight.billed(jobs, 5)).isCloseTo(5 + 10 + 2 + 8 + 5 + 10, within(1e-9));
  }

  @Test
  void levelsFollowTheNumberOfBusyNodes() {
    // 2 nodes 0-10, then 1 node 10-20 (back to back): level 2 ends at 10, level 1 runs through
    List<ReplayMetrics.JobRecord> jobs = List.of(job(0, 10, 2), job(10, 20, 1));
    assertThat(Hindsight.billed(jobs, 4)).isCloseTo(4 + 20 + 4 + 10, within(1e-9));
  }

  @Test
  void jobsThatNeverRanAreLeftOut() {
    ReplayMetrics.JobRecord never = new ReplayMetrics.JobRecord(1, 0, null, null, 8);
    assertThat(Hindsight.billed(List.of(never, job(0, 1, 1)), 2)).isCloseTo(3, within(1e-9));
  }
}
