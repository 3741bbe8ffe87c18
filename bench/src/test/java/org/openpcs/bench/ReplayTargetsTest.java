package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayTargetsTest {
  private static ReplayMetrics metrics(double billed, double busy, double meanWait) {
    return new ReplayMetrics(2, 0, billed, busy, billed / busy, 0, meanWait, meanWait);
  }

  @Test
  void theColdStartIsTheEarliestSubmittedJobsExtraWaitOverTheStaticGroup() {
    List<ReplayMetrics.JobRecord> elastic =
        List.of(
            new ReplayMetrics.JobRecord(8, 105, 106.0, 110.0, 1), // later, listed first
            new ReplayMetrics.JobRecord(7, 100, 104.5, 109.0, 8)); // first: waited 4.5 s
    List<ReplayMetrics.JobRecord> stat =
        List.of(new ReplayMetrics.JobRecord(3, 200, 201.0, 205.0, 8)); // waited 1 s

    assertThat(ReplayTargets.coldStartSeconds(elastic, stat)).isCloseTo(3.5, within(1e-9));
    assertThat(
            ReplayTargets.coldStartSeconds(
                List.of(new ReplayMetrics.JobRecord(7, 100, null, null, 8)), stat))
        .isNull();
    assertThat(ReplayTargets.coldStartSeconds(elastic, null)).isNull();
  }

  @Test
  void notesJudgeEachElasticConfigAgainstTheStaticOneAndNameTheColdStartInLogTime() {
    Map<String, ReplayMetrics> results = new LinkedHashMap<>();
    results.put("static", metrics(156, 100, 50));
    results.put("idle1", metrics(106, 100, 54)); // +8 %: both met
    results.put("elastic", metrics(136, 100, 56)); // +12 %: both missed
    Map<String, List<ReplayMetrics.JobRecord>> jobs =
        Map.of(
            "static", List.of(new ReplayMetrics.JobRecord(1, 0, 1.0, 2.0, 8)),
            "idle1", List.of(new ReplayMetrics.JobRecord(2, 0, 5.0, 6.0, 8)));

    List<String> notes = ReplayTargets.notes(results, jobs, 10);

    assertThat(notes)
        .containsExactly(
            "idle1: billed/busy 1.060 (target < 1.15: met); mean wait 54.00 s vs static 50.00 s"
                + " (target <= +10%: met); the first job's cold start +4.00 s over static = 40 s"
                + " of the log's time",
            "elastic: billed/busy 1.360 (target < 1.15: missed); mean wait 56.00 s vs static"
                + " 50.00 s (target <= +10%: missed)");
  }
}
