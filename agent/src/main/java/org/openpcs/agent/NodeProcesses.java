package org.openpcs.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process still running "on" an instance of this machine: slurmd starts in a private mount
 * namespace of its node ({@link NodeDaemons#NAMESPACE_SCRIPT}), and whatever it starts inherits it
 * — slurmstepd, the job's own processes. Stopping slurmd does not end them (slurmd leaves running
 * steps alone on purpose), so an instance that is terminated must have them ended the way a powered
 * off machine would: otherwise a job of a lost instance goes on running beside its requeued copy on
 * the replacement, which shares the node's spool directory, and slurmd refuses to launch a job id
 * it finds running there.
 *
 * <p>A namespace belongs to an instance when the instance's {@code ns/host-run} directory is one of
 * its mount points. One pass reads every process's namespace link and one process's mount table per
 * namespace, so terminating many instances at once costs one scan of {@code /proc}. The JVM's own
 * namespace is never touched.
 */
public final class NodeProcesses {
  private static final Logger log = LoggerFactory.getLogger(NodeProcesses.class);
  private static final Path PROC = Path.of("/proc");

  private NodeProcesses() {}

  /** The pids of the processes still running on any of the instances in {@code instanceDirs}. */
  public static List<Long> running(Collection<Path> instanceDirs) {
    return find(mountPoints(instanceDirs)).stream().map(ProcessHandle::pid).toList();
  }

  /**
   * Kills (SIGKILL, as a power-off would) every process in the mount namespace of any of the
   * instances in {@code instanceDirs}, repeating while new ones appear (a dying job may still
   * fork), up to five passes.
   *
   * @return how many processes were killed
   */
  public static int killAll(Collection<Path> instanceDirs) throws InterruptedException {
    if (instanceDirs.isEmpty()) {
      return 0;
    }
    Set<String> mountPoints = mountPoints(instanceDirs);
    int killed = 0;
    for (int pass = 0; pass < 5; pass++) {
      List<ProcessHandle> found = find(mountPoints);
      if (found.isEmpty()) {
        break;
      }
      for (ProcessHandle p : found) {
        if (p.destroyForcibly()) {
          killed++;
        }
      }
      for (ProcessHandle p : found) {
        p.onExit().completeOnTimeout(p, 2, java.util.concurrent.TimeUnit.SECONDS).join();
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    if (killed > 0) {
      log.info(
          "ended {} leftover processes of {} terminated instances", killed, mountPoints.size());
    }
    return killed;
  }

  private static Set<String> mountPoints(Collection<Path> instanceDirs) {
    return instanceDirs.stream()
        .map(d -> new NodePaths(d.toAbsolutePath().normalize()).hostRun().toString())
        .collect(Collectors.toSet());
  }

  /** The live processes in a namespace that has one of {@code mountPoints} mounted. */
  static List<ProcessHandle> find(Set<String> mountPoints) {
    Optional<String> own = namespace("self");
    Map<String, List<Long>> byNamespace = new LinkedHashMap<>();
    try (var procs = Files.list(PROC)) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        Optional<String> ns = namespace(name);
        if (ns.isPresent() && !ns.equals(own)) {
          byNamespace.computeIfAbsent(ns.get(), k -> new ArrayList<>()).add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      log.warn("cannot list processes: {}", e.toString());
      return List.of();
    }
    List<ProcessHandle> found = new ArrayList<>();
    for (List<Long> pids : byNamespace.values()) {
      if (belongs(pids, mountPoints)) {
        for (long pid : pids) {
          ProcessHandle.of(pid).ifPresent(found::add);
        }
      }
    }
    return found;
  }

  /** Whether the namespace shared by {@code pids} mounts one of {@code mountPoints}. */
  private static boolean belongs(List<Long> pids, Set<String> mountPoints) {
    // Any member will do; the first may have exited since the scan, so try the next.
    for (long pid : pids) {
      try {
        return mountsAny(
            Files.readString(PROC.resolve(Long.toString(pid)).resolve("mountinfo")), mountPoints);
      } catch (IOException | RuntimeException e) {
        // gone meanwhile
      }
    }
    return false;
  }

  /** Whether a {@code /proc/<pid>/mountinfo} text has one of {@code mountPoints} as mount point. */
  static boolean mountsAny(String mountinfo, Set<String> mountPoints) {
    for (String line : mountinfo.split("\n")) {
      // id parent major:minor root mount-point options ...
      String[] f = line.split(" ", 6);
      if (f.length >= 5 && mountPoints.contains(unescape(f[4]))) {
        return true;
      }
    }
    return false;
  }

  /** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder b = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> namespace(String pid) {
    try {
      return Optional.of(
          Files.readSymbolicLink(PROC.resolve(pid).resolve("ns").resolve("mnt")).toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
