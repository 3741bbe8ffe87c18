package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
  void picksTheJobsInConfiguringWhoseNodesAreAllUpAndRequeuesOnlyBatchJobsThatAllowIt() {
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
            job(3, "CONFIGURING", "c-1", 1, 0), // --no-requeue: its gate only
            job(4, "CONFIGURING", "c-1", 0, 1), // salloc/srun: no batch script to requeue
            job(5, "RUNNING", "c-1", 1, 1),
            job(6, "PENDING", "(null)", 1, 1));
    assertThat(PoweredUpJobStarter.readyJobs(PoweredUpJobStarter.candidates(jobs), nodes))
        .containsExactly(1L, 3L, 4L);
    assertThat(PoweredUpJobStarter.requeueable(jobs)).containsExactlyInAnyOrder(1L, 2L, 5L, 6L);
  }

  @Test
  void slurmsNodeStatesAreAskedForOnlyOnceAWaitingJobHasAllItsNodesReportedUp() {
    List<String> jobs =
        List.of(
            job(1, "CONFIGURING", "c-[1-3]", 1, 1),
            job(2, "PENDING", "(null)", 1, 1),
            job(3, "RUNNING", "e-1", 1, 1));
    // two of job 1's three agents have reported: it cannot be ready, whatever Slurm says
    assertThat(
            PoweredUpJobStarter.worthAskingNodes(
                PoweredUpJobStarter.candidates(jobs), Set.of("c-1", "c-2", "d-1"), false))
        .isFalse();
    assertThat(
            PoweredUpJobStarter.worthAskingNodes(
                PoweredUpJobStarter.candidates(jobs), Set.of("c-1", "c-2", "c-3"), false))
        .isTrue();
    // nodes up before the server started are in no report: asked anyway now and then
    assertThat(
            PoweredUpJobStarter.worthAskingNodes(
                PoweredUpJobStarter.candidates(jobs), Set.of(), true))
        .isTrue();
    // no candidate job at all: never worth it
    assertThat(
            PoweredUpJobStarter.worthAskingNodes(
                PoweredUpJobStarter.candidates(jobs.subList(1, 3)), Set.of("d-1", "e-1"), true))
        .isFalse();
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
  void jobsAreReadAgainOnlyWhenAWaitingJobMayBeReadyOrANodeOfNoWaitingJobCameUp() {
    Map<Long, List<String>> waiting = Map.of(7L, List.of("a", "b"));
    // never read, or the read failed
    assertThat(PoweredUpJobStarter.worthReadingJobs(null, Set.of(), Set.of())).isTrue();
    // the job's nodes come up one by one: nothing to start until the last
    assertThat(PoweredUpJobStarter.worthReadingJobs(waiting, Set.of(), Set.of("a"))).isFalse();
    assertThat(PoweredUpJobStarter.worthReadingJobs(waiting, Set.of("a"), Set.of("a", "b")))
        .isTrue();
    // x was up at the last read already; c is new and no waiting job holds it
    assertThat(PoweredUpJobStarter.worthReadingJobs(waiting, Set.of("x"), Set.of("x", "a")))
        .isFalse();
    assertThat(PoweredUpJobStarter.worthReadingJobs(waiting, Set.of("x"), Set.of("x", "a", "c")))
        .isTrue();
    // nothing was waiting: only a node that came up since says a new job may be there
    assertThat(PoweredUpJobStarter.worthReadingJobs(Map.of(), Set.of("a"), Set.of("a"))).isFalse();
    assertThat(PoweredUpJobStarter.worthReadingJobs(Map.of(), Set.of("a"), Set.of("a", "b")))
        .isTrue();
  }
}
