package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance lost while it runs a job: its slurmd is killed with SIGKILL. The node is taken out of
 * service with an {@code openpcs:} reason, the job is requeued at once and finishes on the
 * replacement instance that the static node gets.
 */
class InstanceLossIT extends SlurmScenario {
  @Test
  void aKilledNodeIsReplacedAndItsJobIsRequeuedAndFinishes() throws Exception {
    String c = h.createCluster("lossy");
    String g = h.createGroup(c, "compute", 1, 1);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1");
    String first = instanceOf(g);

    Path out = h.dataDir.resolve("requeued.out");
    long job =
        h.sbatch(
            c,
            "-p",
            "batch",
            "-o",
            out.toString(),
            "--open-mode=append",
            "--wrap",
            "echo start $SLURM_RESTART_COUNT; sleep 15; echo end");
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));

    long slurmd =
        h.processesUsingDataDir().stream()
            .filter(
                p ->
                    ProcessHandle.of(p)
                        .flatMap(ph -> ph.info().commandLine())
                        .map(cmd -> cmd.contains("slurmd") && cmd.contains("-N compute-1"))
                        .orElse(false))
            .findFirst()
            .orElseThrow();
    ProcessHandle.of(slurmd).orElseThrow().destroyForcibly();

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> !instanceOf(g).equals(first),
        () -> "a new instance for compute-1");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(job)))
        .containsPattern("Restarts=[1-9]");
    assertThat(Files.readString(out)).contains("start 1").contains("end");
    assertThat(Files.readString(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")))
        .contains("\"state\":\"TERMINATED\",\"reason\":\"UNHEALTHY_NODE\"");
    h.awaitNodesUp(c, "compute-1");
  }

  /** The id of the group's running (not terminated) instance, or "". */
  private String instanceOf(String groupId) {
    return h.server.provider().describe(Map.of("aws:pcs:compute-node-group-id", groupId)).stream()
        .filter(i -> !i.terminated())
        .map(i -> i.instanceId())
        .findFirst()
        .orElse("");
  }
}
