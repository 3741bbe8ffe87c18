package org.openpcs.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes still running "on" an instance of this machine: slurmd starts in a private mount
 * namespace of its node ({@link NodeDaemons#NAMESPACE_SCRIPT}), and whatever it starts inherits it
 * — slurmstepd, the job's own processes. Stopping slurmd does not end them (slurmd leaves running
 * steps alone on purpose), so an instance that is terminated must have them ended the way a powered
 * off machine would: otherwise a job of a lost instance goes on running beside its requeued copy on
 * the replacement, which shares the node's spool directory, and slurmd refuses to launch a job id
 * it finds running there. (What the bootstrap script leaves running in the background is in the
 * host namespace and is not found here.)
 *
 * <p>A namespace belongs to an instance when it is the namespace its recorded slurmd runs in (read
 * {@link #namespaceOf before} slurmd is stopped: one link read), or, when slurmd is already gone,
 * when the instance's {@code ns/host-run} directory is one of its mount points (one mount table
 * read per namespace on this machine). Either way one pass over {@code /proc} reads every process's
 * namespace link — a scale-down of many nodes one by one would otherwise read every other live
 * node's mount table per node. The JVM's own namespace is never touched, and each process is pinned
 * (pid and start time) before its namespace is read, so a reused pid is never killed.
 */
public final class NodeProcesses {
  private static final Logger log = LoggerFactory.getLogger(NodeProcesses.class);
  private static final Path PROC = Path.of("/proc");
  private static final int PASSES = 5;

  private NodeProcesses() {}

  /**
   * The mount namespace ({@code mnt:[…]}) of the slurmd an agent recorded in {@code instanceDir},
   * if it still runs (pid and start time checked). Read it before slurmd is stopped.
   */
  public static Optional<String> namespaceOf(Path instanceDir) {
    return StateFile.read(instanceDir)
        .filter(f -> f.slurmdPid() != null && f.slurmdStartTicks() != null)
        .flatMap(
            f -> {
              Optional<String> ns = namespace(Long.toString(f.slurmdPid()));
              // read the link first: if slurmd is still the same process afterwards, it is its own
              boolean same = Daemon.adopt("slurmd", f.slurmdPid(), f.slurmdStartTicks()).alive();
              return same ? ns : Optional.empty();
            })
        .filter(ns -> !ns.equals(namespace("self").orElse(null)));
  }

  /** The pids of the processes still running on any of the instances in {@code instanceDirs}. */
  public static List<Long> running(Collection<Path> instanceDirs) {
    return find(Set.of(), mountPoints(instanceDirs)).stream().map(ProcessHandle::pid).toList();
  }

  /**
   * Kills (SIGKILL, as a power-off would) every process in the mount namespace of any of the
   * instances given: by instance directory, its slurmd's namespace when it was read ({@link
   * #namespaceOf}), else empty and the namespace is found by its {@code ns/host-run} mount. Repeats
   * while new ones appear (a dying job may still fork), up to five passes.
   *
   * @return how many distinct processes were killed
   */
  public static int killAll(Map<Path, Optional<String>> instances) throws InterruptedException {
    Set<String> knownNamespaces =
        instances.values().stream().flatMap(Optional::stream).collect(Collectors.toSet());
    Set<String> mountPoints =
        mountPoints(
            instances.entrySet().stream()
                .filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList());
    Collection<Path> instanceDirs = instances.keySet();
    if (mountPoints.isEmpty() && knownNamespaces.isEmpty()) {
      return 0;
    }
    Set<Long> killed = new HashSet<>();
    List<ProcessHandle> found = List.of();
    for (int pass = 0; pass < PASSES; pass++) {
      found = find(knownNamespaces, mountPoints);
      if (found.isEmpty()) {
        break;
      }
      List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
      for (ProcessHandle p : found) {
        if (p.destroyForcibly()) {
          killed.add(p.pid());
        }
        exits.add(p.onExit());
      }
      // one wait for the whole pass: a process stuck in the kernel must not hold up the rest
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
          .completeOnTimeout(null, 2, TimeUnit.SECONDS)
          .join();
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      found = List.of();
    }
    if (!found.isEmpty()) {
      log.warn(
          "{} processes of terminated instances {} outlived {} kills",
          found.size(),
          instanceDirs,
          PASSES);
    }
    if (!killed.isEmpty()) {
      log.info(
          "ended {} leftover processes of terminated instances {}", killed.size(), instanceDirs);
    }
    return killed.size();
  }

  /**
   * Where each instance's slurmd namespace has its host's /run, as the mount table shows it: with
   * symbolic links resolved, as mount(8) resolved them.
   */
  private static Set<String> mountPoints(Collection<Path> instanceDirs) {
    return instanceDirs.stream()
        .map(d -> new NodePaths(realPath(d)).hostRun().toString())
        .collect(Collectors.toSet());
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  /** The live processes in one of {@code namespaces} or in a namespace mounting a mount point. */
  static List<ProcessHandle> find(Set<String> namespaces, Set<String> mountPoints) {
    Optional<String> own = namespace("self");
    Map<String, List<ProcessHandle>> byNamespace = new LinkedHashMap<>();
    try (var procs = Files.list(PROC)) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        // pinned first (pid and start time), then its namespace: a pid reused in between is a
        // different handle, and destroying the pinned one cannot reach the newcomer
        Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(name));
        Optional<String> ns = h.isPresent() ? namespace(name) : Optional.empty();
        if (ns.isPresent() && !ns.equals(own)) {
          byNamespace.computeIfAbsent(ns.get(), k -> new ArrayList<>()).add(h.get());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list processes: {}", e.toString());
      return List.of();
    }
    List<ProcessHandle> found = new ArrayList<>();
    byNamespace.forEach(
        (ns, members) -> {
          if (namespaces.contains(ns)
              || (!mountPoints.isEmpty() && belongs(members, mountPoints))) {
            found.addAll(members);
          }
        });
    return found;
  }

  /** Whether the namespace shared by {@code members} mounts one of {@code mountPoints}. */
  private static boolean belongs(List<ProcessHandle> members, Set<String> mountPoints) {
    // Any member will do; the first may have exited since the scan, so try the next.
    for (ProcessHandle m : members) {
      try {
        return mountsAny(
            Files.readString(PROC.resolve(Long.toString(m.pid())).resolve("mountinfo")),
            mountPoints);
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
