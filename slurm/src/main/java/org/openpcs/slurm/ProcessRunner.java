package org.openpcs.slurm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs short-lived commands with a hard timeout. Every Slurm command can hang (a wrong SLURM_CONF
 * blocks 60 s, an unreachable controller retries for about 10 s), so nothing here waits forever.
 */
final class ProcessRunner {
  private ProcessRunner() {}

  /**
   * @param env variables to set; inherited {@code SLURM_*} variables are removed first so that a
   *     server started from inside a job or an {@code openpcs shell} cannot point a command at the
   *     wrong cluster
   */
  static CommandResult run(
      List<String> command, Map<String, String> env, Duration timeout, byte[] stdin) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLURM_"));
    pb.environment().putAll(env);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new SlurmException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
    Thread errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException e) {
      // The command may exit before reading its input; its exit code tells the story.
    }
    try {
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      // Bounded: a grandchild that inherited the pipe must not hold us forever.
      outReader.join(Duration.ofSeconds(2));
      errReader.join(Duration.ofSeconds(2));
      return new CommandResult(
          finished ? process.exitValue() : -1, text(out), text(err), !finished);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SlurmException("interrupted while running " + command.getFirst(), e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream sink) {
    try (in) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (sink) {
          sink.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      // Stream closed because the process was killed; what was read so far is kept.
    }
  }

  private static String text(ByteArrayOutputStream sink) {
    synchronized (sink) {
      return sink.toString(StandardCharsets.UTF_8);
    }
  }
}
