package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openpcs.agent.NodeProcesses;

/**
 * An instance lost while it runs a job: its slurmd is killed with SIGKILL. The node is taken out of
 * service with an {@code openpcs:} reason, the job is requeued at once and finishes on the
 * replacement instance that the static node gets; nothing of the first run outlives its instance.
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
            "echo start ${SLURM_RESTART_COUNT:-0}; sleep 15; echo end");
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

    Path firstDir = instanceDir(first);
    SlurmHarness.await(
        Duration.ofSeconds(60), () -> terminated(first), () -> first + " terminated");
    // A machine that is gone runs nothing: the first run's job step and its shell ended with it
    // (left running, the step would collide with the rerun of the same job id on the replacement).
    assertThat(NodeProcesses.running(List.of(firstDir))).isEmpty();
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> !instanceOf(g).equals(first),
        () -> "a new instance for compute-1");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(job)))
        .containsPattern("Restarts=1\\b");
    // The lost instance's run ended with it (as on a machine that went away): only the rerun
    // finished, so "end" is written once, after "start 1".
    assertThat(Files.readString(out).lines()).containsExactly("start 0", "start 1", "end");
    assertThat(Files.readString(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")))
        .contains("\"state\":\"TERMINATED\",\"reason\":\"UNHEALTHY_NODE\"");
    h.awaitNodesUp(c, "compute-1");
  }

  private boolean terminated(String instanceId) {
    return h.server.provider().describe(Map.of()).stream()
        .anyMatch(i -> i.instanceId().equals(instanceId) && i.terminated());
  }

  /** The local provider's directory of an instance, somewhere under the harness's data dir. */
  private Path instanceDir(String instanceId) throws IOException {
    try (Stream<Path> walk = Files.walk(h.dataDir, 4)) {
      return walk.filter(p -> p.getFileName().toString().equals(instanceId) && Files.isDirectory(p))
          .findFirst()
          .orElseThrow();
    }
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
