package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Restart without loss: the server is a separate process, killed with SIGKILL while a job runs on
 * its instances. The restarted server adopts the controller and the instances; the job finishes,
 * and deleting everything afterwards leaves no process behind.
 */
class ServerCrashIT {
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
  void aJobSurvivesKill9OfTheServerAndNothingIsOrphaned() throws Exception {
    server = new ExternalServer(Files.createTempDirectory("openpcs-crash")).start();
    h = SlurmHarness.attach(server.dataDir, server.sdk());

    String c = h.createCluster("crash");
    String g = h.createGroup(c, "compute", 2, 2);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1", "compute-2");
    Path out = server.dataDir.resolve("long.out");
    long job =
        h.sbatch(
            c,
            "-p",
            "batch",
            "-N2",
            "-o",
            out.toString(),
            "--wrap",
            "sleep 8; srun bash -c 'echo survived on $SLURMD_NODENAME'");
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));

    assertThat(server.kill9()).isEqualTo(137);
    server.start();
    h.pcs = server.sdk();

    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(90));
    assertThat(Files.readAllLines(out))
        .containsExactlyInAnyOrder("survived on compute-1", "survived on compute-2");
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N"))
        .as("no duplicate node")
        .isEqualTo("compute-1\ncompute-2");
    assertThat(h.slurmdCount()).as("one slurmd per node after adoption").isEqualTo(2);

    h.deleteEverything();
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> h.processesUsingDataDir().stream().allMatch(p -> p == server.pid()),
        () ->
            "no daemon left: "
                + h.processesUsingDataDir().stream().map(ServerCrashIT::command).toList());
  }

  private static String command(long pid) {
    return ProcessHandle.of(pid).flatMap(ph -> ph.info().commandLine()).orElse("");
  }
}
