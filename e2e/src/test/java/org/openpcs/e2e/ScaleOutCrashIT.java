package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of the server in the middle of a 16-node scale-out. After the restart the launch goes on
 * from where it stopped (Slurm's resume request is still in the inbox; launches recorded before the
 * crash are found again by their tokens): the job runs, no node is stuck, no instance is orphaned,
 * and the group goes back to zero. Agents that were mid-boot at the crash finish their boot after
 * adoption instead of failing (a mass BOOTSTRAP_FAILED would power nodes down under the starting
 * job).
 */
class ScaleOutCrashIT {
  private static final int NODES = 16;
  private ExternalServer server;
  private SlurmHarness h;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.close();
    }
    if (h != null) {
      for (long pid : h.processesUsingDataDir()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void killingTheServerMidScaleOutLosesNothingAndOrphansNothing() throws Exception {
    server = new ExternalServer(Files.createTempDirectory("openpcs-scaleout")).start();
    h = SlurmHarness.attach(server.dataDir, server.sdk());

    String c = h.createCluster("scaleout", 5);
    String g = h.createGroup(c, "wide", 0, NODES);
    h.createQueue(c, "work", g);
    long job =
        h.sbatch(c, "-p", "work", "-N" + NODES, "-o", "/dev/null", "--wrap", "srun hostname");

    // The local provider starts all 16 nodes within a few hundred milliseconds, so the harness's
    // 200 ms poll can see most of them up before it kills; poll finely and kill at the first
    // slurmd.
    Instant deadline = Instant.now().plusSeconds(60);
    while (h.slurmdCount() < 1) {
      assertThat(Instant.now()).as("a first slurmd within 60 s").isBefore(deadline);
      Thread.sleep(10);
    }
    server.kill9();
    long before = h.slurmdCount();
    server.start();
    h.pcs = server.sdk();

    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(180));
    assertThat(before).as("the crash hit in the middle of the scale-out").isBetween(1L, NODES - 1L);
    assertThat(h.slurmdCount()).as("one slurmd per node at most").isLessThanOrEqualTo(NODES);
    SlurmHarness.await(
        Duration.ofSeconds(150),
        () ->
            h.slurmdCount() == 0
                && h.run(c, "sinfo", "-h", "-N", "-o", "%t")
                    .output()
                    .lines()
                    .allMatch(s -> s.equals("idle~")),
        () ->
            "back to zero with no stuck node: "
                + h.run(c, "sinfo", "-N", "-o", "%N %T %E").output());

    h.deleteEverything();
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> h.processesUsingDataDir().stream().allMatch(p -> p == server.pid()),
        () -> "no process left");
  }
}
