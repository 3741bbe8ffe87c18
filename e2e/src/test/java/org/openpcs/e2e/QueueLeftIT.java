package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpcs.provider.Instance;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupConfiguration;

/**
 * A group taken out of every queue while a job runs on it (D18): the job is not requeued and
 * finishes where it is, the node is drained meanwhile with a reason that says why, and only then
 * does the group's instance become a login node and Slurm forget the node.
 */
class QueueLeftIT extends SlurmScenario {
  @Test
  void theRunningJobFinishesBeforeItsNodeBecomesALoginNode() {
    String c = h.createCluster("regroup");
    String left = h.createGroup(c, "left", 1, 1);
    String right = h.createGroup(c, "right", 1, 1);
    String q = h.createQueue(c, "work", left, right);
    h.awaitNodesUp(c, "left-1", "right-1");
    long job = h.sbatch(c, "-p", "work", "-w", "left-1", "-o", "/dev/null", "--wrap", "sleep 20");
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));
    String compute = liveInstances(left).get(0).instanceId();

    h.pcs.updateQueue(
        r ->
            r.clusterIdentifier(c)
                .queueIdentifier(q)
                .computeNodeGroupConfigurations(
                    ComputeNodeGroupConfiguration.builder().computeNodeGroupId(right).build()));

    SlurmHarness.await(
        Duration.ofSeconds(30),
        () ->
            h.slurm(c, "scontrol", "show", "node", "left-1").contains("left every queue")
                && h.slurm(c, "scontrol", "show", "node", "left-1").contains("DRAIN"),
        () -> "left-1 drained: " + h.slurm(c, "scontrol", "show", "node", "left-1"));
    assertThat(liveInstances(left))
        .as("the compute instance stays while its job runs")
        .extracting(Instance::instanceId)
        .containsExactly(compute);
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(60));
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(job)))
        .as("not requeued")
        .contains("Restarts=0");

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          List<Instance> live = liveInstances(left);
          return live.size() == 1
              && "login".equals(live.get(0).tags().get("openpcs:role"))
              && !h.run(c, "scontrol", "show", "node", "left-1").output().contains("NodeName");
        },
        () -> "a login instance and no left-1 in Slurm: " + liveInstances(left));
  }

  private List<Instance> liveInstances(String g) {
    return h.server.provider().describe(Map.of("aws:pcs:compute-node-group-id", g)).stream()
        .filter(i -> !i.terminated())
        .toList();
  }
}
