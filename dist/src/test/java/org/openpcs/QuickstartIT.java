package org.openpcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The README's main command, {@code openpcs quickstart}, in-process: it starts a server, creates a
 * cluster, a node group that scales from zero and a queue, runs a two-node job whose output it
 * prints, waits for the group to shrink back to zero and deletes everything. Afterwards no process
 * may still use its data dir.
 */
class QuickstartIT {
  private static final Pattern DATA_DIR =
      Pattern.compile("embedded H2 store in (\\S+?)\\)?$", Pattern.MULTILINE);
  private static final Pattern CLUSTER_ID =
      Pattern.compile("CreateCluster quickstart -> (pcs_\\w+)");

  @Test
  @Timeout(300)
  void theQuickstartRunsATwoNodeJobAndLeavesNoProcessBehind() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    // QuickstartCommand takes System.out when it is constructed: redirect first.
    System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new QuickstartCommand()).execute();
    } finally {
      System.out.flush();
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    Path dataDir = dataDir(out).orElseThrow(() -> new AssertionError("no data dir in:\n" + out));
    try {
      assertThat(out.lines().findFirst().orElse(""))
          .as("the first line names the data dir")
          .contains("embedded H2 store in " + dataDir);
      assertThat(exit).as("exit code; output:%n%s", out).isZero();
      assertThat(out)
          .contains("hello from compute-1")
          .contains("hello from compute-2")
          .contains("the group is back to zero instances")
          .containsPattern("(?m)^\\[quickstart\\] done$");
      assertThat(out).containsPattern("job \\d+ COMPLETED");
      assertThat(out)
          .as("everything is deleted, in PCS's order")
          .containsSubsequence(
              "DeleteQueue queue batch -> gone",
              "DeleteComputeNodeGroup compute node group compute -> gone",
              "DeleteCluster cluster quickstart -> gone");

      // The quickstart waited for every deletion: nothing may be left running now, but allow the
      // last daemons a moment to exit.
      awaitNoProcess(dataDir, Duration.ofSeconds(15));
      assertThat(DataDirProcesses.filesHeldBy(ProcessHandle.current().pid(), dataDir))
          .as("files of the data dir this JVM (the quickstart's server) still holds open")
          .isEmpty();
      Matcher cluster = CLUSTER_ID.matcher(out);
      assertThat(cluster.find()).as("cluster id in the output").isTrue();
      assertThat(Path.of("/run/openpcs/munge", cluster.group(1) + ".socket"))
          .as("the cluster's munge socket is removed")
          .doesNotExist();
      assertThat(dataDir)
          .as("the scratch data dir (with the administrator's credentials) is removed")
          .doesNotExist();
    } finally {
      if (java.nio.file.Files.exists(dataDir)) {
        deleteTree(dataDir);
      }
    }
  }

  private static Optional<Path> dataDir(String out) {
    Matcher m = DATA_DIR.matcher(out);
    return m.find() ? Optional.of(Path.of(m.group(1))) : Optional.empty();
  }

  private static void awaitNoProcess(Path dir, Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    List<Long> left = DataDirProcesses.using(dir);
    while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      left = DataDirProcesses.using(dir);
    }
    assertThat(DataDirProcesses.describe(left))
        .as("processes using the quickstart's data dir %s", dir)
        .isEmpty();
  }

  /** Kills whatever still uses the data dir (after a failure), then removes it. */
  private static void deleteTree(Path dir) {
    for (long pid : DataDirProcesses.using(dir)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes to the console (so the steps show in the build log) and into the buffer. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
