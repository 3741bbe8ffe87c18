package org.openpcs.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.api.client.AwsProfiles;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;

/**
 * {@code openpcs server} as a separate process on a fixed port and data dir, so a test can kill it
 * with SIGKILL and start it again on the same state.
 */
final class ExternalServer implements AutoCloseable {
  final Path dataDir;
  private final int apiPort;
  private final String slurmPorts;
  private final Path log;
  private Process process;
  private int starts;

  ExternalServer(Path dataDir) {
    this.dataDir = dataDir;
    this.apiPort = Integer.parseInt(SlurmHarness.freeBlock(1).split("-")[0]);
    this.slurmPorts = SlurmHarness.freeBlock(100);
    this.log = dataDir.resolve("server.log");
  }

  /** Starts the server and waits until it listens. */
  ExternalServer start() {
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
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int expected = ++starts;
    SlurmHarness.await(
        Duration.ofSeconds(60), () -> listening() >= expected, () -> "server start " + expected);
    return this;
  }

  /** SIGKILL; returns the exit code (137). */
  int kill9() throws InterruptedException {
    return process.destroyForcibly().waitFor();
  }

  long pid() {
    return process.pid();
  }

  /** The official SDK, with the administrator profile the server wrote. */
  PcsClient sdk() {
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

  private int listening() {
    try {
      return Files.readString(log).split("OpenPCS listening", -1).length - 1;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
