package org.openpcs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc says about processes: resident memory, and which ones belong to a directory. */
final class Procs {
  private Procs() {}

  /** VmRSS in KiB, 0 when the process is gone. */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ')
          .strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Live slurmd processes among {@code pids}. */
  static List<Long> slurmd(List<Long> pids) {
    return pids.stream()
        .filter(
            p -> {
              String c = commandLine(p);
              return c.startsWith("/usr/sbin/slurmd ") || c.startsWith("slurmd ");
            })
        .toList();
  }

  /**
   * Non-zombie processes whose command line or working directory is under {@code dir}, or that hold
   * a file open there (a configless slurmd names only its node, but keeps its log open).
   */
  static List<Long> usingDir(Path dir) {
    String d = dir.toString();
    List<Long> pids = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)
            || Long.parseLong(name) == ProcessHandle.current().pid()) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
            continue;
          }
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          String cwd;
          try {
            cwd = Files.readSymbolicLink(p.resolve("cwd")).toString();
          } catch (IOException | UnsupportedOperationException e) {
            cwd = "";
          }
          if (cmd.contains(d) || cwd.startsWith(d) || holdsFileUnder(p, d)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException gone) {
          // ended while we looked
        }
      }
    } catch (IOException e) {
      return pids;
    }
    return pids;
  }

  private static boolean holdsFileUnder(Path proc, String dir) {
    try (var fds = Files.list(proc.resolve("fd"))) {
      return fds.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).toString().startsWith(dir);
            } catch (IOException e) {
              return false;
            }
          });
    } catch (IOException e) {
      return false;
    }
  }
}
