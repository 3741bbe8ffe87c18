package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lowering a group's maximum under a running job: the job on the node that goes is requeued first
 * (and says why), runs again on the node that stays and finishes; the job on the node that stays is
 * not touched; the group converges to the new maximum and Slurm forgets the removed node.
 */
class MaxLoweredIT extends SlurmScenario {
  @Test
  void theJobOnARemovedNodeIsRequeuedAndFinishesOnTheNodeThatStays() throws Exception {
    String c = h.createCluster("shrinking");
    String g = h.createGroup(c, "compute", 2, 2);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1", "compute-2");

    Path out = h.dataDir.resolve("moved.out");
    String script = "echo start $SLURM_RESTART_COUNT $SLURMD_NODENAME; sleep 12; echo end";
    long a = h.sbatch(c, "-p", "batch", "--exclusive", "-o", "/dev/null", "--wrap", "sleep 6");
    long b =
        h.sbatch(
            c,
            "-p",
            "batch",
            "--exclusive",
            "-o",
            out.toString(),
            "--open-mode=append",
            "--wrap",
            script);
    h.awaitJob(c, a, "RUNNING", Duration.ofSeconds(60));
    h.awaitJob(c, b, "RUNNING", Duration.ofSeconds(60));
    long onTwo = nodeOf(c, a).equals("compute-2") ? a : b;
    long onOne = onTwo == a ? b : a;

    h.pcs.updateComputeNodeGroup(
        r ->
            r.clusterIdentifier(c)
                .computeNodeGroupIdentifier(g)
                .scalingConfiguration(s -> s.minInstanceCount(1).maxInstanceCount(1)));

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> h.slurm(c, "scontrol", "show", "job", String.valueOf(onTwo)).contains("Restarts=1"),
        () -> "job " + onTwo + " requeued: " + h.slurm(c, "scontrol", "show", "job", "" + onTwo));
    h.awaitJob(c, onTwo, "COMPLETED", Duration.ofSeconds(120));
    h.awaitJob(c, onOne, "COMPLETED", Duration.ofSeconds(60));
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(onOne)))
        .as("the job on the node that stays is not touched")
        .contains("Restarts=0");
    if (onTwo == b) {
      assertThat(Files.readString(out))
          .containsPattern("start [0 ]*compute-2")
          .contains("start 1 compute-1")
          .contains("end");
    }

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> liveInstances(g) == 1 && !confMentions(c, "compute-2"),
        () -> "one instance and no compute-2 in slurm.conf: " + liveInstances(g));
    assertThat(Files.readString(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")))
        .contains("\"reason\":\"NODE_GROUP_UPDATE\"")
        .contains("requeued jobs [" + onTwo + "]");
    h.awaitNodesUp(c, "compute-1");
  }

  private boolean confMentions(String c, String node) {
    try {
      return Files.readString(h.slurmConf(c)).contains(node);
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private String nodeOf(String c, long job) {
    return h.slurm(c, "squeue", "-h", "-j", String.valueOf(job), "-o", "%N").strip();
  }

  private long liveInstances(String groupId) {
    return h.server.provider().describe(Map.of("aws:pcs:compute-node-group-id", groupId)).stream()
        .filter(i -> !i.terminated())
        .count();
  }
}
