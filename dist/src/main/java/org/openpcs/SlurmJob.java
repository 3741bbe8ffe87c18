package org.openpcs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs plain Slurm commands against one cluster, as a scientist would (for the quickstart). */
final class SlurmJob {
  private static final Pattern STATE = Pattern.compile("JobState=(\\S+)");
  private final Path slurmConf;
  private final Path workDir;

  SlurmJob(Path slurmConf, Path workDir) {
    this.slurmConf = slurmConf;
    this.workDir = workDir;
  }

  String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile());
    pb.environment().put("SLURM_CONF", slurmConf.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out.strip();
  }

  long submit(String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of("sbatch", "--parsable", "-o", workDir.resolve("job-%j.out").toString()));
    cmd.addAll(List.of(args));
    return Long.parseLong(run(cmd.toArray(String[]::new)).split(";")[0].trim());
  }

  /** Waits for the job to end, reporting each change of its state or of the node states. */
  String awaitEnd(long job, Duration within, java.util.function.Consumer<String> changes)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    String last = "";
    while (true) {
      Matcher m = STATE.matcher(run("scontrol", "show", "job", String.valueOf(job)));
      String state = m.find() ? m.group(1) : "UNKNOWN";
      String now = "job " + state + ", nodes " + nodeStates();
      if (!now.equals(last)) {
        changes.accept(now);
        last = now;
      }
      if (!List.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING").contains(state)) {
        return state;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("job " + job + " still " + state);
      }
      Thread.sleep(300);
    }
  }

  /** Node states as sinfo shows them: {@code compute-1 idle~, compute-2 alloc}. */
  String nodeStates() throws IOException, InterruptedException {
    return String.join(", ", run("sinfo", "-h", "-N", "-o", "%N %t").lines().toList());
  }

  /** Waits until the node states satisfy {@code done}, reporting every change. */
  void watchNodes(
      Duration within,
      java.util.function.Predicate<List<String>> done,
      java.util.function.Consumer<String> changes)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    String last = "";
    while (true) {
      List<String> states = run("sinfo", "-h", "-N", "-o", "%N %t").lines().toList();
      String now = String.join(", ", states);
      if (!now.equals(last)) {
        changes.accept("nodes " + now);
        last = now;
      }
      if (done.test(states)) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("nodes did not reach the expected state: " + now);
      }
      Thread.sleep(500);
    }
  }

  String output(long job) throws IOException {
    return Files.readString(workDir.resolve("job-" + job + ".out")).strip();
  }
}
