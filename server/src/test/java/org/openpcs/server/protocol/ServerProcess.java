package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.server.TestServer;
import org.openpcs.server.cli.ServerMain;

/**
 * {@code openpcs server} ({@link ServerMain}) as a separate JVM with the test class path, so tests
 * can SIGKILL or SIGTERM it. Its stdout and stderr (the log) go to a file that outlives it.
 */
final class ServerProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path logFile;

  private ServerProcess(Process process, int port, Path dataDir, Path logFile) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.logFile = logFile;
  }

  /** Starts the server and waits until it logs that it listens. */
  static ServerProcess start(Path dataDir, int port, List<String> extraArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServerMain.class.getName());
    cmd.addAll(
        List.of(
            "--listen",
            "127.0.0.1:" + port,
            "--data-dir",
            dataDir.toString(),
            "--scheduler-versions",
            "24.11",
            // The API server and its store are under test here, not the Slurm controllers.
            "--infrastructure",
            "NONE"));
    cmd.addAll(extraArgs);
    // The launch template and node image the sample requests name.
    TestServer.registerTestTemplates(dataDir);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("OPENPCS_HOME");
    pb.environment().remove("OPENPCS_LOG_LEVEL");
    try {
      // A file rather than a pipe: it keeps every line the process wrote, also after it died.
      Path logFile = Files.createTempFile(dataDir, "server-", ".log");
      pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
      ServerProcess p = new ServerProcess(pb.start(), port, dataDir, logFile);
      p.awaitListening();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening() {
    String expected = "OpenPCS listening on http://127.0.0.1:" + port;
    withLog(
        () ->
            Poll.until(
                START_TIMEOUT,
                "the server to log '" + expected + "'",
                () -> {
                  if (!process.isAlive()) {
                    throw new AssertionError(
                        "the server exited with "
                            + process.exitValue()
                            + ": "
                            + String.join("\n", log()));
                  }
                  return log().stream().anyMatch(l -> l.contains(expected));
                },
                Boolean::booleanValue));
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The administrator profile the server wrote into its data dir. */
  SigV4.Credentials adminCredentials() {
    AwsProfiles.Profile p =
        AwsProfiles.read(
                dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs")
            .orElseThrow();
    return new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey());
  }

  /** Every line the server wrote to stdout and stderr so far. */
  List<String> log() {
    try {
      return Files.readAllLines(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL; returns the exit code once the process is gone. */
  int kill9() {
    process.destroyForcibly();
    return awaitExit(Duration.ofSeconds(20));
  }

  /** SIGTERM; returns the exit code once the process is gone. */
  int terminate(Duration within) {
    process.destroy();
    return awaitExit(within);
  }

  private int awaitExit(Duration within) {
    try {
      assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
          .as("server %d exits within %s", process.pid(), within)
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(process.isAlive()).isFalse();
    assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    return process.exitValue();
  }

  /** Waits until the server's log has a line containing {@code text}. */
  void awaitLogLine(String text, Duration within) {
    withLog(
        () ->
            Poll.until(
                within,
                "a log line containing '" + text + "'",
                () -> log().stream().anyMatch(l -> l.contains(text)),
                Boolean::booleanValue));
  }

  /** Adds the server's log to a failure, which is where the reason usually is. */
  private void withLog(Runnable check) {
    try {
      check.run();
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\n--- server log ---\n" + String.join("\n", log()), e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
