package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpcs.provider.Instance;

/**
 * An administrator's own drain (a reason without the {@code openpcs:} prefix) belongs to the
 * administrator: reconcile passes, a live change of the group and Slurm's reconfigure leave the
 * node drained with the admin's reason, and its instance is neither replaced nor resumed.
 */
class AdminDrainIT extends SlurmScenario {

  @Test
  void anAdminsDrainIsNeverUndone() throws Exception {
    String c = h.createCluster("drained");
    String g = h.createGroup(c, "compute", 1, 1);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1");
    String instance = liveInstanceIds(g).get(0);

    h.slurm(c, "scontrol", "update", "NodeName=compute-1", "State=DRAIN", "Reason=disk_swap");
    // A live change of the group: a new rendering, a reconfigure and several reconcile passes.
    h.pcs.updateComputeNodeGroup(
        r ->
            r.clusterIdentifier(c)
                .computeNodeGroupIdentifier(g)
                .scalingConfiguration(s -> s.minInstanceCount(1).maxInstanceCount(2)));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> h.slurm(c, "scontrol", "show", "node", "compute-2").contains("NodeName=compute-2"),
        () -> "compute-2 rendered: " + h.slurm(c, "sinfo", "-N"));
    // Resync runs every half second: give the controllers many passes to get it wrong.
    Thread.sleep(5_000);

    String node = h.slurm(c, "scontrol", "show", "node", "compute-1");
    assertThat(node).contains("DRAIN").contains("Reason=disk_swap");
    assertThat(liveInstanceIds(g))
        .as("the drained node keeps its instance")
        .containsExactly(instance);

    long job = h.sbatch(c, "-p", "batch", "-w", "compute-1", "-o", "/dev/null", "--wrap", "true");
    // Wait until the scheduler has looked at the job (it gives a reason), not for a fixed time.
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> !reason(c, job).isEmpty() && !reason(c, job).equals("None"),
        () -> "job " + job + " considered: " + reason(c, job));
    assertThat(h.jobState(c, job)).as("nothing starts on a drained node").isEqualTo("PENDING");
    h.slurm(c, "scancel", String.valueOf(job));
  }

  private String reason(String c, long job) {
    return h.slurm(c, "squeue", "-h", "-j", String.valueOf(job), "-o", "%r").strip();
  }

  private List<String> liveInstanceIds(String groupId) {
    return h.server.provider().describe(Map.of("aws:pcs:compute-node-group-id", groupId)).stream()
        .filter(i -> !i.terminated())
        .map(Instance::instanceId)
        .toList();
  }
}
