package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpcs.slurm.JobStatus;

class JobsByNodeTest {
  @Test
  void runningAndCompletingJobsCountPendingAndFinishedOnesDoNot() {
    var byNode =
        ClusterNodes.jobsByNode(
            List.of(
                new JobStatus(1, "a", "p", "RUNNING", "c-[1-2]", "None"),
                new JobStatus(2, "b", "p", "COMPLETING", "c-2,c-3", "None"),
                new JobStatus(3, "c", "p", "PENDING", "", "Resources"),
                new JobStatus(4, "d", "p", "COMPLETED", "c-4", "None"),
                new JobStatus(5, "e", "p", "CONFIGURING", "c-5", "None")));
    assertThat(byNode).containsOnlyKeys("c-1", "c-2", "c-3", "c-5");
    assertThat(byNode.get("c-1")).isEqualTo(new ClusterNodes.NodeJobs(List.of(1L), false));
    assertThat(byNode.get("c-2")).isEqualTo(new ClusterNodes.NodeJobs(List.of(1L), true));
    assertThat(byNode.get("c-3")).isEqualTo(new ClusterNodes.NodeJobs(List.of(), true));
    assertThat(byNode.get("c-5").running()).containsExactly(5L);
  }
}
