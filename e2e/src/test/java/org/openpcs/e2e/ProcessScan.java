package org.openpcs.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the processes (other than this JVM, and not zombies) that use a directory: its path in
 * their command line, their working directory below it, or a file below it held open (slurmd's
 * command line names only its node; it holds its instance's log file open).
 */
final class ProcessScan {
  private ProcessScan() {}

  /** Pids of live processes using {@code dir}. */
  static List<Long> using(Path dir) {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<Long> pids = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) procs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)
            || Long.parseLong(name) == ProcessHandle.current().pid()) {
          continue;
        }
        try {
          String stat = Files.readString(d.resolve("stat"));
          if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
            continue;
          }
          String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
          if (names(cmd, prefix) || under(link(d.resolve("cwd")), prefix) || holds(d, prefix)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /**
   * Pids of the slurmd processes among those using {@code dir}. Debian installs slurmd as {@code
   * /usr/sbin/slurmd-wlm} behind an alternatives symlink, so the executable's name is {@code
   * slurmd} or {@code slurmd-wlm}.
   */
  static List<Long> slurmds(Path dir) {
    return using(dir).stream().filter(p -> isSlurmd(p) && !isSlurmd(parent(p))).toList();
  }

  /**
   * A slurmd forks to start a job's slurmstepd, and for that instant the child is a slurmd too; it
   * is not a second daemon (a CI run counted 19 slurmds for 16 nodes as their job started).
   */
  private static boolean isSlurmd(long pid) {
    return executable(pid).matches("slurmd(-wlm)?");
  }

  private static long parent(long pid) {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
  }

  /** The file name of a process's executable, or "" when it is gone. */
  static String executable(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(ph -> ph.info().command())
        .map(c -> Path.of(c).getFileName().toString())
        .orElse("");
  }

  /** "pid: command line" of each pid, for failure messages. */
  static List<String> describe(List<Long> pids) {
    return pids.stream()
        .map(
            p ->
                p
                    + ": "
                    + ProcessHandle.of(p).flatMap(ph -> ph.info().commandLine()).orElse("(gone)"))
        .toList();
  }

  /** The path is {@code prefix} or below it (not merely a longer name with that start). */
  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** Some argument of the NUL-separated command line names {@code prefix} or a path below it. */
  private static boolean names(String cmdline, String prefix) {
    return cmdline.contains(prefix + "/")
        || cmdline.contains(prefix + "\0")
        || cmdline.endsWith(prefix);
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static boolean holds(Path proc, String prefix) {
    try (var fds = Files.list(proc.resolve("fd"))) {
      return fds.anyMatch(fd -> under(link(fd), prefix));
    } catch (IOException e) {
      return false;
    }
  }
}
