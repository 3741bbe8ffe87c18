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
 * Restart without loss: the server is a separate process, killed with SIGKILL while a job runs on
 * its instances. The restarted server adopts the controller and the instances; the job finishes,
 * and deleting everything afterwards leaves no process behind.
 */
class ServerCrashIT {
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
  void aJobSurvivesKill9OfTheServerAndNothingIsOrphaned() throws Exception {
    dataDir = Files.createTempDirectory("openpcs-crash");
    String ports = SlurmHarness.freeBlock(100);
    int apiPort = Integer.parseInt(SlurmHarness.freeBlock(1).split("-")[0]);
    server = startServer(apiPort, ports);
    h = SlurmHarness.attach(dataDir, sdk(apiPort));

    String c = h.createCluster("crash");
    String g = h.createGroup(c, "compute", 2, 2);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1", "compute-2");
    Path out = dataDir.resolve("long.out");
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

    server.destroyForcibly().waitFor();
    assertThat(server.exitValue()).isEqualTo(137);
    server = startServer(apiPort, ports);
    h.pcs = sdk(apiPort);

    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(90));
    assertThat(Files.readAllLines(out))
        .containsExactlyInAnyOrder("survived on compute-1", "survived on compute-2");
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N"))
        .as("no duplicate node")
        .isEqualTo("compute-1\ncompute-2");
    long slurmd =
        h.processesUsingDataDir().stream().filter(p -> command(p).contains("slurmd")).count();
    assertThat(slurmd).as("one slurmd per node after adoption").isEqualTo(2);

    h.deleteEverything();
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> h.processesUsingDataDir().stream().allMatch(p -> p == server.pid()),
        () ->
            "no daemon left: "
                + h.processesUsingDataDir().stream().map(ServerCrashIT::command).toList());
  }

  private Process startServer(int apiPort, String slurmPorts)
      throws IOException, InterruptedException {
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
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()))
            .start();
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          try {
            return Files.readString(dataDir.resolve("server.log")).split("OpenPCS listening").length
                > countStarts();
          } catch (IOException e) {
            return false;
          }
        },
        () -> "server start");
    starts++;
    return p;
  }

  private int starts;

  private int countStarts() {
    return starts + 1;
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

  private static String command(long pid) {
    return ProcessHandle.of(pid).flatMap(ph -> ph.info().commandLine()).orElse("");
  }
}
