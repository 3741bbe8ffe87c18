package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequeueStartTest {
  @Test
  void aRequeuedJobIsReleasedOnlyOnceSlurmHasGivenItItsBeginTime() {
    // on its way back (epilogs running): a start time set now would be overwritten
    assertThat(
            List.of(step("COMPLETING", "None"), step("REQUEUED", "None"), step("PENDING", "None")))
        .containsOnly(RequeueStart.RequeueStep.REQUEUEING);
    // back, held by the requeue delay: now is the time
    assertThat(step("PENDING", "BeginTime"))
        .isEqualTo(RequeueStart.RequeueStep.WAITS_FOR_BEGIN_TIME);
    assertThat(step("RUNNING", "None")).isEqualTo(RequeueStart.RequeueStep.STARTED);
    assertThat(step("CANCELLED", "None")).isEqualTo(RequeueStart.RequeueStep.ENDED);
  }

  private static RequeueStart.RequeueStep step(String state, String reason) {
    return RequeueStart.requeueStep(state, reason);
  }

  @Test
  void aRequeuedJobIsReleasedNoEarlierThanTheSecondAfterItsRequeue() {
    // requeued at x.200: the credential is revoked as of second x; wait until x+1.000
    assertThat(RequeueStart.millisUntilLaterSecond(10_200, 10_250)).isEqualTo(750);
    assertThat(RequeueStart.millisUntilLaterSecond(10_999, 10_999)).isEqualTo(1);
    // already in a later second: at once
    assertThat(RequeueStart.millisUntilLaterSecond(10_200, 11_000)).isZero();
    assertThat(RequeueStart.millisUntilLaterSecond(10_200, 12_500)).isZero();
  }

  @Test
  void theNodesAreGivenBackOnceWhetherBeforeTheReleaseOrAfterAFailure() {
    int[] calls = {0};
    Runnable giveBack = RequeueStart.once(() -> calls[0]++);
    giveBack.run(); // just before the release
    giveBack.run(); // the release thread's finally
    assertThat(calls[0]).isEqualTo(1);
  }
}
