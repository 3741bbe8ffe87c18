package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.server.cli.ServerMain;

/**
 * {@code openpcs server} ({@link ServerMain}) as a separate JVM with the test class path, so tests
 * can SIGKILL or SIGTERM it. Collects its stderr (the log) line by line.
 */
final class ServerProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private ServerProcess(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    pump(process.getErrorStream());
    pump(process.getInputStream());
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
            "24.11"));
    cmd.addAll(extraArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("OPENPCS_HOME");
    try {
      ServerProcess p = new ServerProcess(pb.start(), port, dataDir);
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
    Poll.until(
        START_TIMEOUT,
        "the server to log '" + expected + "' (log so far: " + log + ")",
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("the server exited with " + process.exitValue() + ": " + String.join("\n", log));
          }
          return log.stream().anyMatch(l -> l.contains(expected));
        },
        Boolean::booleanValue);
  }

  private void pump(InputStream in) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.add(line);
                }
              } catch (IOException e) {
                log.add("<log stream failed: " + e + ">");
              }
            });
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The administrator profile the server wrote into its data dir. */
  SigV4.Credentials adminCredentials() {
    AwsProfiles.Profile p =
        AwsProfiles.read(dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs").orElseThrow();
    return new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey());
  }

  List<String> log() {
    return List.copyOf(log);
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

  /** Lets the log pump catch up with what the process wrote before it exited. */
  void awaitLogLine(String text, Duration within) {
    Poll.until(within, "log line containing '" + text + "'; log: " + log, () -> log.stream().anyMatch(l -> l.contains(text)), Boolean::booleanValue);
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
