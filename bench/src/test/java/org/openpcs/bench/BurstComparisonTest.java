package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BurstComparisonTest {
  private static List<Map<String, Object>> runs(Double... responding) {
    return java.util.Arrays.stream(responding)
        .map(v -> Map.<String, Object>of("allResponding", v, "scaleUpCpu", 2 * v))
        .toList();
  }

  @Test
  void repeatedRunsAreComparedByTheirMediansTheMeanOfTheMiddleTwoWhenEven() {
    BenchReport report = new BenchReport("burst", BurstBenchCommand.COLUMNS);
    new BurstComparison(report, 256, runs(18.0, 14.0, 15.0), runs(12.0, 13.0, 11.0, 16.0))
        .ratio("allResponding", "all responding");

    // 15 against (12 + 13) / 2
    assertThat(report.notes)
        .containsExactly(
            "256 nodes, all responding (medians of 3 and 4 runs): OpenPCS 15.00 s vs floor"
                + " 12.50 s = 1.20x (target <= 1.25x: met)");
  }

  @Test
  void singleRunsAreComparedAsTheyAreAndTheCpuNoteHasNoTarget() {
    BenchReport report = new BenchReport("burst", BurstBenchCommand.COLUMNS);
    BurstComparison c = new BurstComparison(report, 64, runs(8.0), runs(5.0));
    c.ratio("allResponding", "all responding");
    c.cpu();
    c.ratio("running", "RUNNING"); // no run has it: no note

    assertThat(report.notes)
        .containsExactly(
            "64 nodes, all responding: OpenPCS 8.00 s vs floor 5.00 s = 1.60x (target <= 1.25x:"
                + " missed)",
            "64 nodes, CPU the whole machine used from sbatch to the last slurmd responding:"
                + " OpenPCS 16.0 CPU-s vs floor 10.0 CPU-s = 1.60x");
  }
}
