package org.openpcs.slurm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster's controller daemons: its own munged (own key and socket) and its own slurmctld.
 *
 * <p>Daemons are started detached (new session via {@code setsid}, stdio to files, absolute paths),
 * so they outlive the server; the next server adopts them through their pid files and command
 * lines. Nothing here keeps state in memory: every call re-reads /proc and the pid files.
 *
 * <p>Methods that start, stop or change daemons are synchronized; use one instance per cluster (the
 * cluster's reconciler) so that two changes never interleave.
 *
 * <p>The cluster's files are written by {@link ClusterFiles}, daemons are launched by {@link
 * DetachedLauncher} and found in /proc by {@link ClusterProcesses}; this class decides what to
 * start or stop and waits for the result.
 */
public final class ControllerDaemons {
  private static final Logger log = LoggerFactory.getLogger(ControllerDaemons.class);

  static final Duration MUNGED_START_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SLURMCTLD_START_TIMEOUT = Duration.ofSeconds(30);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);
  static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

  private static final int MUNGED_THREADS = 4;
  private static final int LOG_LINES = 8;

  /**
   * Told when a daemon that had run before (its log exists) is started again because it was found
   * dead: a crash the supervisor repaired, not a planned restart for a config change.
   */
  @FunctionalInterface
  public interface RestartListener {
    void restarted(Path clusterRoot, String daemon);
  }

  // Static because ClusterRuntime makes a ControllerDaemons per call and keeps no state here; a
  // listener filters by the cluster root (several servers may share a JVM in tests).
  private static final List<RestartListener> RESTART_LISTENERS =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final SlurmInstallation installation;
  private final ClusterPaths paths;
  private final SlurmCli cli;
  private final ClusterProcesses processes;
  private final ClusterFiles clusterFiles;
  private final DetachedLauncher launcher;

  public ControllerDaemons(SlurmInstallation installation, ClusterPaths paths) {
    this.installation = Objects.requireNonNull(installation, "installation");
    this.paths = Objects.requireNonNull(paths, "paths");
    this.cli = new SlurmCli(installation, paths);
    this.processes = new ClusterProcesses(paths, mungedPidFile());
    this.clusterFiles = new ClusterFiles(paths);
    this.launcher = new DetachedLauncher(installation, paths, cli);
  }

  public ClusterPaths paths() {
    return paths;
  }

  /** Adds a restart listener until the returned handle is closed. */
  public static AutoCloseable onRestart(RestartListener listener) {
    RESTART_LISTENERS.add(Objects.requireNonNull(listener, "listener"));
    return () -> RESTART_LISTENERS.remove(listener);
  }

  private void restarted(String daemon) {
    for (RestartListener l : RESTART_LISTENERS) {
      try {
        l.restarted(paths.root(), daemon);
      } catch (RuntimeException e) {
        log.warn("restart listener failed: {}", e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ files

  /** Creates the cluster's directory tree; safe to call again. */
  public void prepare() {
    clusterFiles.prepare();
  }

  /**
   * Writes the cluster secret as munged's key (mode 0400, replaced atomically). The key is never
   * logged. A running munged keeps its old key until it is restarted.
   */
  public void writeMungeKey(byte[] key) {
    clusterFiles.writeMungeKey(key);
  }

  /** Writes rendered files into etc/, each replaced atomically (mode 0644). */
  public void writeConfig(Map<String, String> files) {
    clusterFiles.writeConfig(files);
  }

  // ------------------------------------------------------------------ start

  /** Starts munged unless it already runs, and waits until a credential round trip works. */
  public synchronized void startMunged() {
    DaemonState.Daemon current = mungedStatus();
    if (current.running()) {
      log.info("munged for {} already running (pid {})", paths.root(), current.pid());
      return;
    }
    if (!Files.isRegularFile(paths.mungeKey())) {
      throw new SlurmException("cannot start munged: " + paths.mungeKey() + " does not exist");
    }
    boolean ranBefore = Files.exists(mungedLog());
    int rc =
        launcher.launch(
            List.of(
                installation.path("munged").toString(),
                "--socket=" + paths.mungeSocket(),
                "--key-file=" + paths.mungeKey(),
                "--pid-file=" + mungedPidFile(),
                "--seed-file=" + paths.mungeDir().resolve("munged.seed"),
                "--log-file=" + mungedLog(),
                "--num-threads=" + MUNGED_THREADS),
            paths.mungeDir().resolve("munged.stdio"));
    if (rc != 0) {
      throw new SlurmException("munged exited with code " + rc + " at start; " + mungedLogs());
    }
    long deadline = System.nanoTime() + MUNGED_START_TIMEOUT.toNanos();
    while (!mungeRoundTrip()) {
      if (System.nanoTime() > deadline) {
        throw new SlurmException(
            "munged did not answer within "
                + MUNGED_START_TIMEOUT.toSeconds()
                + " s; "
                + mungedLogs());
      }
      Procs.pause(100);
    }
    log.info("munged for {} started (pid {})", paths.root(), mungedStatus().pid());
    if (ranBefore) {
      restarted("munged");
    }
  }

  /** Starts slurmctld unless it already runs, and waits until {@code scontrol ping} says UP. */
  public synchronized void startSlurmctld() {
    startSlurmctld(true);
  }

  private void startSlurmctld(boolean unplanned) {
    DaemonState.Daemon current = slurmctldStatus();
    if (current.running()) {
      log.info("slurmctld for {} already running (pid {})", paths.root(), current.pid());
      return;
    }
    if (!mungedStatus().running()) {
      throw new SlurmException(
          "cannot start slurmctld: munged for " + paths.root() + " is not running");
    }
    if (!cli.configExists()) {
      throw new SlurmException("cannot start slurmctld: " + paths.slurmConf() + " does not exist");
    }
    boolean ranBefore = Files.exists(slurmctldLog());
    long started = System.nanoTime();
    int rc =
        launcher.launch(
            List.of(installation.path("slurmctld").toString(), "-f", paths.slurmConf().toString()),
            slurmctldStdio());
    if (rc != 0) {
      throw new SlurmException(
          "slurmctld exited with code " + rc + " at start; " + slurmctldLogs());
    }
    long deadline = started + SLURMCTLD_START_TIMEOUT.toNanos();
    while (!ping()) {
      // A daemon that already died will not answer later: fail at once with its log.
      boolean settled = System.nanoTime() - started > Duration.ofSeconds(2).toNanos();
      if (settled && !slurmctldStatus().running()) {
        throw new SlurmException("slurmctld exited during start; " + slurmctldLogs());
      }
      if (System.nanoTime() > deadline) {
        throw new SlurmException(
            "slurmctld did not answer ping within "
                + SLURMCTLD_START_TIMEOUT.toSeconds()
                + " s; "
                + slurmctldLogs());
      }
      Procs.pause(100);
    }
    log.info(
        "slurmctld for {} up (pid {}) after {} ms",
        paths.root(),
        slurmctldStatus().pid(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    if (unplanned && ranBefore) {
      restarted("slurmctld");
    }
  }

  // ------------------------------------------------------------------ observe

  public DaemonState state() {
    return new DaemonState(mungedStatus(), slurmctldStatus());
  }

  /** {@code scontrol ping} with this cluster's config; false on any failure or timeout. */
  public boolean ping() {
    if (!cli.configExists()) {
      return false;
    }
    try {
      return cli.run("scontrol", PING_TIMEOUT, "ping").stdout().contains(" is UP");
    } catch (SlurmException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ change

  public synchronized void apply(ApplyMethod method) {
    switch (Objects.requireNonNull(method, "method")) {
      case NONE -> {}
      case RECONFIGURE -> reconfigure();
      case RESTART -> {
        restartSlurmctld();
        // Pushes the new files to configless slurmd (they fetched the old ones at start).
        reconfigure();
      }
    }
  }

  /** {@code scontrol reconfigure}; fails loudly if slurmctld does not survive it. */
  public synchronized void reconfigure() {
    CommandResult r = cli.run("scontrol", CLI_TIMEOUT, "reconfigure");
    if (!r.ok()) {
      throw new SlurmException(
          "scontrol reconfigure failed: " + r.describe() + "; " + slurmctldLogs());
    }
    // 22.05 exits instead of refusing some changes (node count): check it is still there.
    if (!ping()) {
      throw new SlurmException("slurmctld stopped answering after reconfigure; " + slurmctldLogs());
    }
  }

  /**
   * Stops slurmctld with SIGTERM (it saves its state; running and pending jobs survive, lab §5) and
   * starts it again.
   */
  public synchronized void restartSlurmctld() {
    DaemonState.Daemon current = slurmctldStatus();
    if (current.running()) {
      stopSlurmctld(current.pid());
    }
    startSlurmctld(false);
  }

  /**
   * Stops everything of this cluster: slurmd started with its config file (while slurmctld still
   * answers their last messages, otherwise they hang on SIGTERM), slurmctld, any leftover process
   * of the cluster (slurmstepd included), then munged. SIGKILL after a grace period.
   */
  public synchronized void stopAll() {
    DaemonState.Daemon ctld = slurmctldStatus();
    List<Long> nodes = leftovers(false).stream().filter(pid -> pid != ctld.pid()).toList();
    if (!nodes.isEmpty()) {
      log.info("stopping {} node daemon(s) of {}: {}", nodes.size(), paths.root(), nodes);
      Procs.stop(nodes, STOP_GRACE);
    }
    if (ctld.running()) {
      stopSlurmctld(ctld.pid());
    }
    List<Long> rest = leftovers(true);
    if (!rest.isEmpty()) {
      log.info("stopping leftover processes of {}: {}", paths.root(), rest);
      Procs.stop(rest, Duration.ofSeconds(5));
    }
    DaemonState.Daemon munged = mungedStatus();
    if (munged.running()) {
      List<Long> stuck = Procs.stop(List.of(munged.pid()), STOP_GRACE);
      if (stuck.isEmpty()) {
        log.info("munged for {} stopped (pid {})", paths.root(), munged.pid());
      }
    }
    List<Long> survivors = leftovers(true);
    if (!survivors.isEmpty() || mungedStatus().running()) {
      throw new SlurmException("processes of " + paths.root() + " survived SIGKILL: " + survivors);
    }
  }

  private void stopSlurmctld(long pid) {
    Procs.terminate(pid);
    if (!Procs.awaitExit(pid, STOP_GRACE)) {
      log.warn(
          "slurmctld {} ignored SIGTERM for {} s; killing it (recent state may be lost)",
          pid,
          STOP_GRACE.toSeconds());
      Procs.kill(pid);
      if (!Procs.awaitExit(pid, Duration.ofSeconds(5))) {
        throw new SlurmException("slurmctld " + pid + " survived SIGKILL");
      }
    }
    log.info("slurmctld for {} stopped (pid {})", paths.root(), pid);
  }

  // ------------------------------------------------------------------ internals

  private DaemonState.Daemon mungedStatus() {
    return processes.munged();
  }

  private DaemonState.Daemon slurmctldStatus() {
    return processes.slurmctld();
  }

  private List<Long> leftovers(boolean everything) {
    return processes.leftovers(everything);
  }

  private boolean mungeRoundTrip() {
    String socket = "--socket=" + paths.mungeSocket();
    CommandResult cred =
        ProcessRunner.run(
            List.of(installation.path("munge").toString(), socket, "--string=openpcs-ping"),
            Map.of(),
            Duration.ofSeconds(5),
            null);
    if (!cred.ok()) {
      return false;
    }
    CommandResult back =
        ProcessRunner.run(
            List.of(installation.path("unmunge").toString(), socket),
            Map.of(),
            Duration.ofSeconds(5),
            cred.stdout().getBytes(StandardCharsets.UTF_8));
    return back.ok();
  }

  private Path mungedPidFile() {
    return paths.mungeDir().resolve("munged.pid");
  }

  private Path mungedLog() {
    return paths.mungeDir().resolve("munged.log");
  }

  private Path slurmctldLog() {
    return paths.log().resolve("slurmctld.log");
  }

  private Path slurmctldStdio() {
    return paths.log().resolve("slurmctld.stdio");
  }

  private String mungedLogs() {
    return "munged.log: "
        + LogTail.lastLines(mungedLog(), LOG_LINES)
        + "; stdio: "
        + LogTail.lastLines(paths.mungeDir().resolve("munged.stdio"), LOG_LINES);
  }

  private String slurmctldLogs() {
    return "slurmctld.log: "
        + LogTail.lastLines(paths.log().resolve("slurmctld.log"), LOG_LINES)
        + "; stdio: "
        + LogTail.lastLines(slurmctldStdio(), LOG_LINES);
  }
}
