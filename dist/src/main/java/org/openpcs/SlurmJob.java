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

  void awaitIdle(List<String> nodes, Duration within) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      String states = run("sinfo", "-h", "-N", "-o", "%N %t");
      if (nodes.stream().allMatch(n -> states.lines().anyMatch(l -> l.equals(n + " idle")))) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("nodes " + nodes + " are not idle: " + states);
      }
      Thread.sleep(300);
    }
  }

  long submit(String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of("sbatch", "--parsable", "-o", workDir.resolve("job-%j.out").toString()));
    cmd.addAll(List.of(args));
    return Long.parseLong(run(cmd.toArray(String[]::new)).split(";")[0].trim());
  }

  String awaitEnd(long job, Duration within) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      Matcher m = STATE.matcher(run("scontrol", "show", "job", String.valueOf(job)));
      String state = m.find() ? m.group(1) : "UNKNOWN";
      if (!List.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING").contains(state)) {
        return state;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("job " + job + " still " + state);
      }
      Thread.sleep(300);
    }
  }

  String output(long job) throws IOException {
    return Files.readString(workDir.resolve("job-" + job + ".out")).strip();
  }
}
