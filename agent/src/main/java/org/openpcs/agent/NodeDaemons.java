package org.openpcs.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting the node's own daemons: munged on the node's socket, and a configless slurmd in a
 * private mount namespace where the default munge socket is the node's, detached from the JVM. The
 * agent records each daemon it gets back (pid and start time) for adoption.
 */
final class NodeDaemons {
  private static final Logger log = LoggerFactory.getLogger(NodeDaemons.class);
  private final AgentConfig config;
  private final NodePaths paths;

  NodeDaemons(AgentConfig config, NodePaths paths) {
    this.config = config;
    this.paths = paths;
  }

  /**
   * Processes of this instance that nobody recorded: a munged using the instance's key file, or a
   * slurmd whose mount namespace has the instance's host-/run mount point.
   */
  static List<Long> strays(NodePaths paths) {
    String keyArg = "--key-file=" + paths.mungeKey();
    String hostRun = " " + paths.hostRun() + " ";
    List<Long> found = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          boolean munged = cmd.contains(keyArg);
          boolean slurmd =
              !munged
                  && cmd.contains("slurmd")
                  && Files.readString(p.resolve("mountinfo")).contains(hostRun);
          if (munged || slurmd) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      log.warn("cannot list processes: {}", e.toString());
    }
    return found;
  }

  /** Stops every {@link #strays stray} (pid and start time checked, as for recorded daemons). */
  static void stopStrays(NodePaths paths, java.time.Duration grace) throws InterruptedException {
    for (long pid : strays(paths)) {
      var ticks = Daemon.startTicks(pid);
      if (ticks.isPresent() && Daemon.adopt("stray", pid, ticks.get()).stop(grace)) {
        log.warn("stopped stray daemon {} of {} (started but never recorded)", pid, paths.dir());
      }
    }
  }

  /** Records a daemon as soon as it is spawned. */
  @FunctionalInterface
  interface Started {
    void record(Daemon d) throws IOException;
  }

  /**
   * Starts munged on {@code socket} and waits until the socket answers; {@code started} records the
   * daemon before the wait.
   */
  Daemon startMunged(Path socket, Started started) throws IOException, InterruptedException {
    Files.deleteIfExists(socket);
    Files.deleteIfExists(paths.mungedPid());
    Path exe = config.mungeSbinDir().resolve("munged");
    if (!Files.isExecutable(exe)) {
      throw new AgentException(exe + " is not installed");
    }
    List<String> cmd =
        List.of(
            exe.toString(),
            "--foreground",
            "--socket=" + socket,
            "--key-file=" + paths.mungeKey(),
            "--pid-file=" + paths.mungedPid(),
            "--seed-file=" + paths.mungedSeed(),
            "--log-file=" + paths.mungedLog(),
            "--num-threads=2");
    Daemon munged = Daemon.spawn("munged", cmd, paths.mungedOut(), Daemon.baseEnvironment());
    started.record(munged);
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    while (!socketAnswers(socket)) {
      if (!munged.alive()) {
        throw new AgentException(
            "munged exited"
                + munged.exitCode().map(c -> " with code " + c).orElse("")
                + "; last output: "
                + LogTail.of(paths.mungedOut(), 5, 700)
                + " | "
                + LogTail.of(paths.mungedLog(), 5, 700));
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException(
            "munged did not open its socket within " + config.startTimeout().toSeconds() + " s");
      }
      Thread.sleep(50);
    }
    log.info("instance {}: munged {} listens on {}", config.instanceId(), munged.pid(), socket);
    return munged;
  }

  private static boolean socketAnswers(Path socket) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A private mount namespace for slurmd: the host's /run is bind-mounted out of the way and a
   * directory of the node's takes its place, prepared beforehand ({@link #prepareRun}): every host
   * entry reappears there as a symlink (so jobs still see /run/user, /run/systemd/resolve, …)
   * except {@code munge} and {@code slurm}: {@code /run/munge/munge.socket.2} (the compiled-in
   * default a configless slurmd fetches its config with, slurm-lab §2) points at the node's own
   * munge socket, and slurmd's {@code /run/slurm/conf} link to its conf-cache stays private to the
   * node. Two mounts and an exec: the links used to be made inside the namespace, one {@code ln}
   * process each, which cost more CPU per node than slurmd's own start.
   */
  static final String NAMESPACE_SCRIPT =
      """
      set -eu
      old=$1; run=$2; shift 2
      mount --rbind /run "$old"
      mount --bind "$run" /run
      exec "$@"
      """;

  /**
   * Fills the node's /run (see NAMESPACE_SCRIPT) afresh: links to the host's entries as seen at
   * {@code hostRun}, and the node's own munge socket link and slurm directory.
   */
  void prepareRun(Path mungeSocket) throws IOException {
    Path run = paths.nodeRun();
    deleteTree(run);
    Files.createDirectories(run);
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var entries = Files.list(Path.of("/run"))) {
      for (Path e : (Iterable<Path>) entries::iterator) {
        String n = e.getFileName().toString();
        if (!n.equals("munge") && !n.equals("slurm")) {
          Files.createSymbolicLink(run.resolve(n), paths.hostRun().resolve(n));
        }
      }
    }
    Files.createDirectories(run.resolve("munge"));
    Files.createSymbolicLink(run.resolve("munge").resolve("munge.socket.2"), mungeSocket);
    Files.createDirectories(run.resolve("slurm"));
  }

  /** Deletes a tree of directories and links, never following a link. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * How long to wait so that slurmd starts in a later wall-clock second than {@code
   * referenceMillis} (a moment after Slurm's resume request for the node). slurmctld ignores the
   * registration of a powering-up node whose boot time is before the resume request's second, and
   * with {@code -b} slurmd reports its boot time as the wall-clock second of the registration minus
   * the whole seconds the host's uptime counter advanced since slurmd first read it. The two clocks
   * tick at different phases, so a slurmd that first reads the uptime in the resume's own second
   * can report a boot time one second before it; the registration is then ignored and never
   * repeated, and the node waits for ResumeTimeout (seen about once per 64-node burst). From a
   * later second on, the reported boot time is never before the resume request's second.
   */
  static long millisUntilLaterSecond(long referenceMillis, long nowMillis) {
    long boundary = Math.floorDiv(referenceMillis, 1000) * 1000 + 1000;
    return Math.max(0, boundary - nowMillis);
  }

  /** Spawns slurmd for the node in its private mount namespace (see NAMESPACE_SCRIPT). */
  Daemon startSlurmd(String confServer, String nodeName, Path mungeSocket) throws IOException {
    Path exe = config.slurmSbinDir().resolve("slurmd");
    if (!Files.isExecutable(exe)) {
      throw new AgentException(exe + " is not installed");
    }
    Files.createDirectories(paths.hostRun());
    prepareRun(mungeSocket);
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.unshare().toString());
    cmd.add("--mount");
    cmd.add("--propagation");
    cmd.add("private");
    cmd.add(Tools.sh().toString());
    cmd.add("-c");
    cmd.add(NAMESPACE_SCRIPT);
    cmd.add("openpcs-slurmd-ns");
    cmd.add(paths.hostRun().toString());
    cmd.add(paths.nodeRun().toString());
    cmd.add(exe.toString());
    cmd.add("-D"); // foreground: the pid we start is slurmd's, and this JVM reaps it
    cmd.add("-b"); // report "rebooted now", or a resuming CLOUD node is ignored (slurm-lab §3)
    cmd.add("--conf-server");
    cmd.add(confServer);
    cmd.add("-N");
    cmd.add(nodeName);
    return Daemon.spawn("slurmd", cmd, paths.slurmdOut(), Daemon.baseEnvironment());
  }

  /**
   * slurmd is up once it has fetched its config: 22.05 links {@code /run/slurm/conf} to its
   * conf-cache, and in our namespace that link is the node's own, visible at {@code
   * /proc/<pid>/root/run/slurm/conf}.
   */
  void awaitSlurmdReady(Daemon slurmd, String confServer) throws InterruptedException {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    Path confCache = confCache(slurmd.pid());
    while (!Files.isRegularFile(confCache.resolve("slurm.conf"))) {
      if (!slurmd.alive()) {
        throw new AgentException(
            "slurmd exited"
                + slurmd.exitCode().map(c -> " with code " + c).orElse("")
                + " before it had its configuration; last output: "
                + LogTail.of(
                    paths.slurmdOut(), Agent.FAILURE_TAIL_LINES, Agent.FAILURE_TAIL_CHARS));
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException(
            "slurmd did not fetch its configuration from "
                + confServer
                + " within "
                + config.startTimeout().toSeconds()
                + " s; last output: "
                + LogTail.of(
                    paths.slurmdOut(), Agent.FAILURE_TAIL_LINES, Agent.FAILURE_TAIL_CHARS));
      }
      Thread.sleep(100);
    }
  }

  /** slurmd's conf-cache, seen through its mount namespace. */
  static Path confCache(long slurmdPid) {
    return Path.of("/proc", Long.toString(slurmdPid), "root", "run", "slurm", "conf");
  }
}
