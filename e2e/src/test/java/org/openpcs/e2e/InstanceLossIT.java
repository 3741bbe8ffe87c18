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
import org.openpcs.provider.local.LaunchTemplates;

/**
 * An instance lost while it runs a job: its slurmd is killed with SIGKILL. The node is taken out of
 * service with an {@code openpcs:} reason, the job is requeued at once and finishes on the
 * replacement instance that the static node gets, or on a new instance of the dynamic node; nothing
 * of the first run outlives its instance, and the kill slurmctld keeps sending to the lost node
 * never ends the rerun (D33).
 */
class InstanceLossIT extends SlurmScenario {
  @Test
  void aKilledNodeIsReplacedAndItsJobIsRequeuedAndFinishes() throws Exception {
    // The replacement boots a few seconds late (its bootstrap script waits while the marker file
    // exists), so that it listens while slurmctld still tries to deliver the kill of the lost run:
    // had the rerun started on it by then, that kill would end it.
    Path slowBoot = h.dataDir.resolve("slow-boot");
    String template =
        new LaunchTemplates(h.dataDir.resolve("launch-templates"))
            .create("slow-replacement", "if [ -e " + slowBoot + " ]; then sleep 4; fi", Map.of())
            .id();
    String c = h.createCluster("lossy");
    String g = h.createGroup(c, "compute", 1, 1, template);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1");
    String first = instanceOf(g);

    Path out = h.dataDir.resolve("requeued.out");
    long job = submitRerunnable(c, out, 15);
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));

    Files.writeString(slowBoot, "");
    killSlurmd("compute-1");

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

  @Test
  void aLostDynamicNodeGoesBackToThePoolAndItsJobRunsAgain() throws Exception {
    String c = h.createCluster("lossy-dynamic");
    String g = h.createGroup(c, "burst", 0, 1);
    h.createQueue(c, "batch", g);
    Path out = h.dataDir.resolve("requeued-dynamic.out");
    long job = submitRerunnable(c, out, 10);
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(90));
    String first = instanceOf(g);
    Path firstDir = instanceDir(first);

    killSlurmd("burst-1");
    SlurmHarness.await(
        Duration.ofSeconds(60), () -> terminated(first), () -> first + " terminated");
    assertThat(NodeProcesses.running(List.of(firstDir))).isEmpty();
    // Powered down and up again for the requeued job only once no kill of its first run can reach
    // the node; a new instance runs it to the end.
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(150));
    assertThat(instanceOf(g)).isNotIn("", first);
    assertThat(h.slurm(c, "scontrol", "show", "job", String.valueOf(job)))
        .containsPattern("Restarts=1\\b");
    assertThat(Files.readString(out).lines()).containsExactly("start 0", "start 1", "end");
  }

  /**
   * A job on queue "batch" that appends "start N" (N = its restart count), sleeps, then "end" to
   * the output file: a rerun shows as a second start, a run that was ended early as a missing end.
   */
  private long submitRerunnable(String c, Path out, int seconds) {
    return h.sbatch(
        c,
        "-p",
        "batch",
        "-o",
        out.toString(),
        "--open-mode=append",
        "--wrap",
        "echo start ${SLURM_RESTART_COUNT:-0}; sleep " + seconds + "; echo end");
  }

  /** SIGKILL to the node's slurmd, as when its machine is lost. */
  private void killSlurmd(String node) {
    long slurmd =
        h.processesUsingDataDir().stream()
            .filter(
                p ->
                    ProcessHandle.of(p)
                        .flatMap(ph -> ph.info().commandLine())
                        .map(cmd -> cmd.contains("slurmd") && cmd.contains("-N " + node))
                        .orElse(false))
            .findFirst()
            .orElseThrow();
    ProcessHandle.of(slurmd).orElseThrow().destroyForcibly();
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
