package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoweredUpJobStarterTest {
  static String job(long id, String state, String nodes, int batch, int requeue) {
    return "JobId="
        + id
        + " JobName=wrap UserId=root(0) JobState="
        + state
        + " Reason=None Requeue="
        + requeue
        + " Restarts=0 BatchFlag="
        + batch
        + " NodeList="
        + nodes
        + " NumNodes=2";
  }

  @Test
  void picksOnlyRequeueableBatchJobsInConfiguringWhoseNodesAreAllUp() {
    Map<String, String> nodes =
        PoweredUpJobStarter.nodeStates(
            List.of(
                "NodeName=c-1 Arch=x86_64 State=ALLOCATED+CLOUD ThreadsPerCore=1",
                "NodeName=c-2 Arch=x86_64 State=ALLOCATED+CLOUD ThreadsPerCore=1",
                "NodeName=c-3 Arch=x86_64 State=ALLOCATED+CLOUD+POWERING_UP ThreadsPerCore=1",
                "NodeName=c-4 Arch=x86_64 State=IDLE+CLOUD+POWERED_DOWN ThreadsPerCore=1"));
    List<String> jobs =
        List.of(
            job(1, "CONFIGURING", "c-[1-2]", 1, 1), // ready
            job(2, "CONFIGURING", "c-[2-3]", 1, 1), // c-3 still powering up
            job(3, "CONFIGURING", "c-1", 1, 0), // --no-requeue: left to Slurm
            job(4, "CONFIGURING", "c-1", 0, 1), // salloc/srun: no batch script to start
            job(5, "RUNNING", "c-1", 1, 1),
            job(6, "PENDING", "(null)", 1, 1));
    assertThat(PoweredUpJobStarter.readyJobs(jobs, nodes)).containsExactly(1L);
  }

  @Test
  void notRespondingOrUnknownNodesAreNotUp() {
    assertThat(PoweredUpJobStarter.isUp("IDLE+CLOUD")).isTrue();
    assertThat(PoweredUpJobStarter.isUp("MIXED")).isTrue();
    assertThat(PoweredUpJobStarter.isUp("ALLOCATED+CLOUD+NOT_RESPONDING")).isFalse();
    assertThat(PoweredUpJobStarter.isUp("DOWN+CLOUD")).isFalse();
    assertThat(PoweredUpJobStarter.isUp(null)).isFalse();
  }

  @Test
  void aRequeuedJobIsReleasedOnlyOnceSlurmHasGivenItItsBeginTime() {
    // on its way back (epilogs running): a start time set now would be overwritten
    assertThat(
            List.of(step("COMPLETING", "None"), step("REQUEUED", "None"), step("PENDING", "None")))
        .containsOnly(PoweredUpJobStarter.RequeueStep.REQUEUEING);
    // back, held by the requeue delay: now is the time
    assertThat(step("PENDING", "BeginTime"))
        .isEqualTo(PoweredUpJobStarter.RequeueStep.WAITS_FOR_BEGIN_TIME);
    assertThat(step("RUNNING", "None")).isEqualTo(PoweredUpJobStarter.RequeueStep.STARTED);
    assertThat(step("CANCELLED", "None")).isEqualTo(PoweredUpJobStarter.RequeueStep.ENDED);
  }

  private static PoweredUpJobStarter.RequeueStep step(String state, String reason) {
    return PoweredUpJobStarter.requeueStep(state, reason);
  }
}
