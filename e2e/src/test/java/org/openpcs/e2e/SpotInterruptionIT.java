package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A spot interruption notice while a job runs: the job is requeued before the instance is
 * reclaimed, the node gets a new instance and the job finishes there.
 */
class SpotInterruptionIT extends SlurmScenario {
  @Test
  void theJobIsRequeuedBeforeTheInstanceGoesAndFinishesOnItsReplacement() throws Exception {
    String c = h.createCluster("spotty");
    String g =
        h.pcs
            .createComputeNodeGroup(
                r ->
                    r.clusterIdentifier(c)
                        .computeNodeGroupName("spot")
                        .subnetIds("subnet-0123456789abcdef0")
                        .customLaunchTemplate(t -> t.id(SlurmHarness.TEMPLATE).version("1"))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-e2e")
                        .purchaseOption("SPOT")
                        .scalingConfiguration(s -> s.minInstanceCount(1).maxInstanceCount(1))
                        .instanceConfigs(i -> i.instanceType("c5.large")))
            .computeNodeGroup()
            .id();
    h.createQueue(c, "work", g);
    h.awaitNodesUp(c, "spot-1");
    String first = liveInstance(g);

    Path out = h.dataDir.resolve("spot.out");
    long job =
        h.sbatch(
            c,
            "-p",
            "work",
            "-o",
            out.toString(),
            "--open-mode=append",
            "--wrap",
            "echo run $SLURM_RESTART_COUNT; sleep 10; echo end");
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));
    h.server.provider().interrupt(first, Duration.ofSeconds(120));

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> !liveInstance(g).isEmpty() && !liveInstance(g).equals(first),
        () -> "a replacement instance");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(job)))
        .containsPattern("Restarts=[1-9]");
    assertThat(Files.readString(out)).contains("run 1").contains("end");
    assertThat(Files.readString(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")))
        .contains("\"state\":\"PENDING_REPLACEMENT\",\"reason\":\"SPOT_INTERRUPTION\"")
        .contains("\"state\":\"TERMINATED\",\"reason\":\"SPOT_INTERRUPTION\"");
  }

  private String liveInstance(String groupId) {
    return h.server.provider().describe(Map.of("aws:pcs:compute-node-group-id", groupId)).stream()
        .filter(i -> !i.terminated())
        .map(i -> i.instanceId())
        .findFirst()
        .orElse("");
  }
}
