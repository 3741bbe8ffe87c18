package org.openpcs.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Process facts from /proc. Slurm daemons and munged daemonize, so they are not our children and
 * {@link Process} cannot follow them; they are identified by pid file and command line instead.
 */
final class Procs {
  private static final Path PROC = Path.of("/proc");
  private static final long SELF = ProcessHandle.current().pid();

  private Procs() {}

  /**
   * True if the process exists and is not a zombie. Stopped daemons stay {@code <defunct>} children
   * of PID 1 for seconds on these machines and {@code kill -0} still succeeds on them (lab §12).
   */
  static boolean alive(long pid) {
    Optional<Character> state = state(pid);
    return state.isPresent() && state.get() != 'Z' && state.get() != 'X' && state.get() != 'x';
  }

  /** The state letter from /proc/pid/stat (R, S, D, Z...), read after the last ')'. */
  static Optional<Character> state(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      int close = stat.lastIndexOf(')');
      if (close < 0 || close + 2 >= stat.length()) {
        return Optional.empty();
      }
      return Optional.of(stat.charAt(close + 2));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The argument vector, empty if the process is gone or a kernel thread. */
  static List<String> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      List<String> args = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (start < raw.length) {
        args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
      }
      return args;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** One variable of the process's initial environment. */
  static Optional<String> environ(long pid, String name) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
      String prefix = name + "=";
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith(prefix)) {
          return Optional.of(entry.substring(prefix.length()));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static String comm(long pid) {
    try {
      return Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm")).strip();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Every live process except this JVM. */
  static List<Long> all() {
    try (Stream<Path> entries = Files.list(PROC)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> pid != SELF && alive(pid))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  static boolean isSelf(long pid) {
    return pid == SELF;
  }

  /** Waits until the process is gone or a zombie. */
  static boolean awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause(50);
    }
    return true;
  }

  static void terminate(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }

  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * SIGTERM to all, wait up to {@code grace}, then SIGKILL whatever is left.
   *
   * @return the processes still alive afterwards (normally none)
   */
  static List<Long> stop(Collection<Long> pids, Duration grace) {
    pids.forEach(Procs::terminate);
    long deadline = System.nanoTime() + grace.toNanos();
    while (pids.stream().anyMatch(Procs::alive) && System.nanoTime() < deadline) {
      pause(50);
    }
    List<Long> stubborn = pids.stream().filter(Procs::alive).toList();
    stubborn.forEach(Procs::kill);
    stubborn.forEach(pid -> awaitExit(pid, Duration.ofSeconds(5)));
    return stubborn.stream().filter(Procs::alive).toList();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlurmException("interrupted", e);
    }
  }
}
