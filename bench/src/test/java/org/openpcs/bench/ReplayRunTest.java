package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayRunTest {
  private static double[] submittedAt(double t) {
    return new double[] {t, Double.NaN, Double.NaN};
  }

  @Test
  void aJobRequeuedOutOfConfiguringIsTimedWhenItReallyRuns() {
    double[] v = submittedAt(0);
    ReplayRun.observe(v, "CONFIGURING", 1); // nodes powering up
    ReplayRun.observe(v, "COMPLETING", 4); // requeued: epilogs on its nodes
    ReplayRun.observe(v, "PENDING", 5); // back in the queue, its script never ran
    assertThat(v[1]).isNaN();
    assertThat(v[2]).isNaN();
    ReplayRun.observe(v, "RUNNING", 6);
    ReplayRun.observe(v, "RUNNING", 20);
    ReplayRun.observe(v, null, 24);
    assertThat(v).containsExactly(0, 6, 24);
  }

  @Test
  void aRequeueWhosePendingFellBetweenTwoPollsIsTimedWhenTheJobRunsAgain() {
    double[] v = submittedAt(0);
    ReplayRun.observe(v, "CONFIGURING", 1);
    ReplayRun.observe(v, "COMPLETING", 4); // requeued; PENDING comes and goes before the next poll
    ReplayRun.observe(v, "RUNNING", 4.2);
    ReplayRun.observe(v, "RUNNING", 20);
    ReplayRun.observe(v, null, 22.2);
    assertThat(v).containsExactly(0, 4.2, 22.2);
  }

  @Test
  void aJobIsTimedFromRunningToLeavingIt() {
    double[] v = submittedAt(0);
    ReplayRun.observe(v, "PENDING", 1);
    ReplayRun.observe(v, "RUNNING", 2);
    ReplayRun.observe(v, "COMPLETING", 9);
    ReplayRun.observe(v, null, 10);
    assertThat(v).containsExactly(0, 2, 9);
  }

  @Test
  void aJobThatRanBetweenTwoPollsCountsAsStartedAndEndedThere() {
    double[] v = submittedAt(0);
    ReplayRun.observe(v, null, 0.5); // not listed yet: too early to tell
    assertThat(v[1]).isNaN();
    ReplayRun.observe(v, null, 2);
    assertThat(v).containsExactly(0, 2, 2);
  }
}
