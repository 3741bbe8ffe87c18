package org.openpcs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Slurm's client commands against one cluster, chosen by its slurm.conf. */
final class SlurmCli {
  private final Path workDir;

  SlurmCli(Path workDir) {
    this.workDir = workDir;
  }

  record Result(int exit, String output) {}

  Result run(Path slurmConf, String... command) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile());
      pb.environment().put("SLURM_CONF", slurmConf.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      return new Result(p.exitValue(), out.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String ok(Path slurmConf, String... command) {
    Result r = run(slurmConf, command);
    if (r.exit() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  long sbatch(Path slurmConf, String... args) {
    List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
    cmd.addAll(List.of(args));
    return Long.parseLong(ok(slurmConf, cmd.toArray(String[]::new)).split(";")[0].trim());
  }

  /** Job id → state for every job squeue lists (pending, configuring, running, completing). */
  Map<Long, String> queue(Path slurmConf) {
    Map<Long, String> out = new HashMap<>();
    // Fails loudly: an empty answer from a busy slurmctld ("socket timed out") read as "no jobs"
    // made jobs look started or finished that were not.
    String listing = ok(slurmConf, "squeue", "-h", "-o", "%i %T");
    for (String line : listing.lines().toList()) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2) {
        out.put(Long.parseLong(f[0]), f[1]);
      }
    }
    return out;
  }

  /**
   * Whether any task of {@code job} is still pending, configuring, running or completing. Fails
   * loudly on a failed look, like {@link #queue}; a job slurmctld no longer knows has ended.
   */
  boolean inQueue(Path slurmConf, long job) {
    Result r = run(slurmConf, "squeue", "-h", "-r", "-j", Long.toString(job), "-o", "%i");
    if (r.exit() != 0) {
      if (r.output().contains("Invalid job id")) {
        return false;
      }
      throw new IllegalStateException("squeue -j " + job + " failed: " + r.output().strip());
    }
    return !r.output().isBlank();
  }

  /** State → how many tasks of job array {@code job} are in it, ended ones included. */
  Map<String, Long> arrayStates(Path slurmConf, long job) {
    Map<String, Long> out = new TreeMap<>();
    String listing =
        ok(slurmConf, "squeue", "-h", "-r", "-t", "all", "-j", Long.toString(job), "-o", "%T");
    for (String line : listing.lines().toList()) {
      if (!line.isBlank()) {
        out.merge(line.strip(), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Node name → compact state ({@code idle}, {@code idle~}, {@code alloc#}, …). */
  Map<String, String> nodes(Path slurmConf) {
    Map<String, String> out = new HashMap<>();
    Result r = run(slurmConf, "sinfo", "-h", "-N", "-o", "%N %t");
    if (r.exit() != 0) {
      return out;
    }
    for (String line : r.output().lines().toList()) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2) {
        out.put(f[0], f[1]);
      }
    }
    return out;
  }

  /** A job as {@code scontrol show job -o} reports it (times in epoch seconds, 1 s resolution). */
  record JobInfo(long id, String state, Double submit, Double start, Double end, int nodes) {}

  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

  List<JobInfo> jobs(Path slurmConf) {
    Result r = run(slurmConf, "scontrol", "show", "job", "-o");
    List<JobInfo> out = new ArrayList<>();
    if (r.exit() != 0) {
      return out;
    }
    for (String line : r.output().lines().toList()) {
      if (line.isBlank() || !line.contains("JobId=")) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        f.putIfAbsent(m.group(1), m.group(2));
      }
      out.add(
          new JobInfo(
              Long.parseLong(f.get("JobId")),
              f.get("JobState"),
              time(f.get("SubmitTime")),
              time(f.get("StartTime")),
              time(f.get("EndTime")),
              f.containsKey("NumNodes") ? Integer.parseInt(f.get("NumNodes").split("-")[0]) : 1));
    }
    return out;
  }

  /** Slurm prints local times without a zone; "Unknown"/"None" mean not reached. */
  static Double time(String s) {
    if (s == null || s.isEmpty() || !Character.isDigit(s.charAt(0))) {
      return null;
    }
    return (double) LocalDateTime.parse(s).atZone(ZoneId.systemDefault()).toEpochSecond();
  }
}
