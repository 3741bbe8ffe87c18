package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpcs.api.client.AwsProfiles;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;

/**
 * SIGKILL of the server in the middle of a 16-node scale-out. After the restart the launch goes on
 * from where it stopped (Slurm's resume request is still in the inbox; launches recorded before the
 * crash are found again by their tokens): the job runs, no node is stuck, no instance is orphaned,
 * and the group goes back to zero.
 */
class ScaleOutCrashIT {
  private static final int NODES = 16;
  private Process server;
  private Path dataDir;
  private SlurmHarness h;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.destroyForcibly();
    }
    if (h != null) {
      for (long pid : h.processesUsingDataDir()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void killingTheServerMidScaleOutLosesNothingAndOrphansNothing() throws Exception {
    dataDir = Files.createTempDirectory("openpcs-scaleout");
    String ports = SlurmHarness.freeBlock(100);
    int apiPort = Integer.parseInt(SlurmHarness.freeBlock(1).split("-")[0]);
    server = startServer(apiPort, ports);
    h = SlurmHarness.attach(dataDir, sdk(apiPort));

    String c = h.createCluster("scaleout", 5);
    String g = h.createGroup(c, "wide", 0, NODES);
    h.createQueue(c, "work", g);
    long job =
        h.sbatch(c, "-p", "work", "-N" + NODES, "-o", "/dev/null", "--wrap", "srun hostname");

    SlurmHarness.await(
        Duration.ofSeconds(60), () -> h.slurmdCount() >= 2, () -> "scale-out under way");
    server.destroyForcibly().waitFor();
    long before = h.slurmdCount();
    server = startServer(apiPort, ports);
    h.pcs = sdk(apiPort);

    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(180));
    assertThat(before)
        .as("the crash hit in the middle of the scale-out")
        .isLessThanOrEqualTo(NODES);
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

  private int starts;

  private Process startServer(int apiPort, String slurmPorts) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            org.openpcs.server.cli.ServerMain.class.getName()));
    cmd.addAll(
        List.of(
            "--listen",
            "127.0.0.1:" + apiPort,
            "--data-dir",
            dataDir.toString(),
            "--slurm-ports",
            slurmPorts));
    Path log = dataDir.resolve("server.log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    int expected = ++starts;
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          try {
            return Files.readString(log).split("OpenPCS listening", -1).length > expected;
          } catch (IOException e) {
            return false;
          }
        },
        () -> "server start");
    return p;
  }

  private PcsClient sdk(int apiPort) {
    AwsProfiles.Profile p =
        AwsProfiles.read(
                dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs")
            .orElseThrow();
    return PcsClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + apiPort))
        .region(Region.of(p.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(p.accessKeyId(), p.secretAccessKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
