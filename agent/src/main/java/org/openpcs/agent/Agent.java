package org.openpcs.agent;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openpcs.api.client.PcsClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: what runs on every instance (in-process for the local provider, as {@code openpcs
 * agent} elsewhere — the same code).
 *
 * <p>{@link #start()} runs the boot sequence <em>in the calling thread</em> and returns once the
 * node is {@link AgentState#RUNNING}, or throws {@link AgentException} after reporting {@link
 * AgentState#BOOTSTRAP_FAILED}: register (bounded retries) → write the munge key (0400) → run the
 * launch template's bootstrap script → unless a login node: start the node's own {@code munged} and
 * a configless {@code slurmd -D -b --conf-server … -N <node>} in a private mount namespace whose
 * {@code /run/munge/munge.socket.2} is the node's munge socket, detached from this JVM (own
 * session, clean signal state) → wait until slurmd has fetched its config → RUNNING. Heartbeats run
 * on a virtual thread from registration until the agent stops; when the server answers STOP, the
 * agent stops its daemons and reports STOPPED.
 *
 * <p>The daemons survive the JVM. {@code <instanceDir>/agent-state.json} records the node name and
 * the daemons (pid and start time), so {@link #adopt} can resume heartbeating for a running node
 * without registering again. {@link #close()} stops slurmd, then munged, deletes the key and
 * reports STOPPED; {@link #detach()} only stops heartbeating and leaves the daemons running.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int FAILURE_TAIL_LINES = 15;
  private static final int FAILURE_TAIL_CHARS = 1500;

  private final AgentConfig config;
  private final NodePaths paths;
  private final AgentApi api;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeup = lock.newCondition();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch startDone = new CountDownLatch(1);
  private final CountDownLatch closeDone = new CountDownLatch(1);
  private final CompletableFuture<AgentState> stopped = new CompletableFuture<>();
  private final CompletableFuture<Void> finalReport = new CompletableFuture<>();
  private final AtomicBoolean reportStarted = new AtomicBoolean();

  private volatile AgentState state;
  private volatile String message;
  private volatile String nodeName;
  private volatile String confServer;
  private volatile Path mungeSocket;
  private volatile Daemon munged;
  private volatile Daemon slurmd;
  private volatile Thread starter;
  private volatile Thread heartbeatThread;
  private volatile boolean closing;
  private volatile boolean unhealthyLogged;
  // guarded by lock
  private boolean heartbeatRequested;
  private boolean heartbeatsStopped;

  public Agent(AgentConfig config) {
    this.config = config;
    this.paths = new NodePaths(config.instanceDir());
    this.api =
        new AgentApi(
            config.endpoint(), config.region(), config.accessKeyId(), config.secretAccessKey());
  }

  // ------------------------------------------------------------------------------ public API

  /**
   * Boots the node in the calling thread (see the class comment). Returns when the node is RUNNING.
   *
   * @throws AgentException registration was refused or timed out, the bootstrap script failed, a
   *     daemon did not come up (all reported as BOOTSTRAP_FAILED first), or the agent was closed
   *     meanwhile
   * @throws IllegalStateException when called twice
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the agent was already started");
    }
    runBoot(this::boot);
  }

  /** A boot sequence: {@link #boot} for a new instance, {@link #resumeBoot} after adoption. */
  @FunctionalInterface
  private interface BootSequence {
    void run() throws IOException, InterruptedException;
  }

  /** Runs a boot sequence in the calling thread; any failure is reported as BOOTSTRAP_FAILED. */
  private void runBoot(BootSequence sequence) {
    starter = Thread.currentThread();
    try {
      sequence.run();
    } catch (AgentException e) {
      if (closing) {
        throw new AgentException("the agent was stopped while starting", e);
      }
      fail(e.getMessage());
      throw e;
    } catch (InterruptedException | ClosedWhileStarting e) {
      if (!closing) {
        String why = "the boot was interrupted";
        fail(why);
        throw new AgentException(why);
      }
      throw new AgentException("the agent was stopped while starting");
    } catch (IOException | UncheckedIOException e) {
      if (closing) {
        throw new AgentException("the agent was stopped while starting", e);
      }
      String why = "the agent could not set up the node: " + e.getMessage();
      fail(why);
      throw new AgentException(why, e);
    } catch (RuntimeException e) {
      if (closing) {
        throw new AgentException("the agent was stopped while starting", e);
      }
      String why = "the agent failed: " + e;
      log.error("instance {}: {}", config.instanceId(), why, e);
      fail(why);
      throw new AgentException(why, e);
    } finally {
      starter = null;
      if (closing) {
        Thread.interrupted(); // our own close() interrupted us; do not leak that to the caller
      }
      startDone.countDown();
    }
  }

  /**
   * Resumes an agent whose daemons were started by an earlier agent for the same instance directory
   * (for example before a server restart), without registering again. Returns at once:
   *
   * <ul>
   *   <li>RUNNING: heartbeats resume; if slurmd (or munged) died meanwhile, it is not restarted —
   *       the state stays RUNNING and every heartbeat's message says {@code slurmd is not running
   *       …}, so the server can replace the node.
   *   <li>BOOTSTRAPPING (the earlier agent died mid-boot, e.g. with the server that ran it): the
   *       boot is finished on a virtual thread from where it stopped, without registering again
   *       (registration is single-use; the node name, controller and key are already here). A
   *       slurmd that is already up is kept and only awaited; otherwise the daemons are started
   *       again, after the bootstrap script unless that already succeeded. Failing it because the
   *       agent restarted would power the node down under a job that is about to start on it.
   *   <li>BOOTSTRAP_FAILED or STOPPED: reported once more; nothing else happens.
   * </ul>
   *
   * @param config the same instance directory; endpoint and credentials may differ from the first
   *     start
   * @throws AgentException when the directory holds no agent state
   */
  public static Agent adopt(AgentConfig config) {
    StateFile f =
        StateFile.read(config.instanceDir())
            .orElseThrow(
                () ->
                    new AgentException(
                        "no agent state in " + config.instanceDir() + "; nothing to adopt"));
    Agent a = new Agent(config);
    a.started.set(true);
    a.nodeName = f.nodeName();
    a.confServer = f.confServer();
    a.mungeSocket = f.mungeSocket() == null ? null : Path.of(f.mungeSocket());
    if (f.mungedPid() != null) {
      a.munged = Daemon.adopt("munged", f.mungedPid(), orMinus1(f.mungedStartTicks()));
    }
    if (f.slurmdPid() != null) {
      a.slurmd = Daemon.adopt("slurmd", f.slurmdPid(), orMinus1(f.slurmdStartTicks()));
    }
    AgentState recorded = parseState(f.state());
    a.message = f.message();
    log.info(
        "instance {}: adopting node {} (recorded state {}, slurmd {}, munged {})",
        config.instanceId(),
        f.nodeName(),
        recorded,
        a.slurmd == null ? "none" : a.slurmd.alive() ? "alive" : "gone",
        a.munged == null ? "none" : a.munged.alive() ? "alive" : "gone");
    if (recorded != AgentState.BOOTSTRAPPING) {
      a.startDone.countDown();
    }
    switch (recorded) {
      case RUNNING -> {
        a.state = AgentState.RUNNING;
        a.checkHealth();
        a.startHeartbeats();
      }
      case BOOTSTRAPPING -> {
        a.state = AgentState.BOOTSTRAPPING;
        Thread t =
            Thread.ofVirtual()
                .name("agent-resume-" + config.instanceId())
                .unstarted(
                    () -> {
                      try {
                        a.runBoot(a::resumeBoot);
                      } catch (AgentException e) {
                        // already logged and reported as BOOTSTRAP_FAILED (or closed meanwhile)
                      }
                    });
        a.starter = t; // so that close() interrupts and awaits the resumed boot
        t.start();
      }
      case BOOTSTRAP_FAILED, STOPPED -> {
        a.state = recorded;
        a.stopped.complete(recorded);
        a.reportFinalAsync();
      }
    }
    return a;
  }

  /** What an agent last recorded in an instance directory. */
  public record Recorded(String nodeName, AgentState state, String message) {}

  /**
   * The node name, state and message an agent recorded in {@code instanceDir}, if any. The state is
   * {@code null} when the agent never got as far as registering.
   */
  public static Optional<Recorded> recorded(Path instanceDir) {
    try {
      return StateFile.read(instanceDir)
          .map(
              f ->
                  new Recorded(
                      f.nodeName(), f.state() == null ? null : parseState(f.state()), f.message()));
    } catch (AgentException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops whatever daemons an agent recorded in {@code instanceDir} (pid and start time verified),
   * deletes the munge key and marks the state STOPPED, without talking to the server. For the
   * provider when it terminates an instance whose agent is not running in this process.
   *
   * @return true if a daemon was still running
   */
  public static boolean stopRecorded(Path instanceDir) throws InterruptedException {
    Optional<StateFile> read = StateFile.read(instanceDir);
    if (read.isEmpty()) {
      return false;
    }
    StateFile f = read.get();
    boolean any = false;
    if (f.slurmdPid() != null) {
      any |= Daemon.adopt("slurmd", f.slurmdPid(), orMinus1(f.slurmdStartTicks())).stop(STOP_GRACE);
    }
    if (f.mungedPid() != null) {
      any |= Daemon.adopt("munged", f.mungedPid(), orMinus1(f.mungedStartTicks())).stop(STOP_GRACE);
    }
    try {
      Files.deleteIfExists(new NodePaths(instanceDir).mungeKey());
      if (!AgentState.BOOTSTRAP_FAILED.name().equals(f.state())) {
        new StateFile(
                f.version(),
                f.instanceId(),
                f.clusterId(),
                f.bootstrapId(),
                f.nodeName(),
                f.confServer(),
                f.login(),
                AgentState.STOPPED.name(),
                "stopped without its agent",
                f.mungeSocket(),
                f.mungedPid(),
                f.mungedStartTicks(),
                f.slurmdPid(),
                f.slurmdStartTicks(),
                Instant.now().toString())
            .write(instanceDir);
      }
    } catch (IOException e) {
      log.warn("cannot update {}: {}", instanceDir, e.toString());
    }
    return any;
  }

  /**
   * Stops the node: interrupts a boot in progress, stops heartbeating, stops slurmd then munged
   * (SIGTERM, SIGKILL after 10 s), deletes the munge key and reports STOPPED (asynchronously, so
   * that a server that calls this while holding a lock cannot deadlock with the report; see {@link
   * #awaitFinalReport}). Idempotent; a concurrent second call waits for the first.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitQuietly(closeDone, Duration.ofSeconds(60));
      return;
    }
    try {
      closing = true;
      Thread s = starter;
      if (s != null && s != Thread.currentThread()) {
        s.interrupt();
        if (!awaitQuietly(startDone, Duration.ofSeconds(60))) {
          log.warn("instance {}: the boot did not stop within 60 s", config.instanceId());
        }
      }
      stopHeartbeats();
      stopDaemonsQuietly();
      deleteKey();
      AgentState now = state;
      if (now == null || now == AgentState.BOOTSTRAP_FAILED || now == AgentState.STOPPED) {
        // Never registered, or already final: nothing new to tell the server.
        if (!reportStarted.get()) {
          api.close();
          finalReport.complete(null);
        }
      } else {
        transition(AgentState.STOPPED, "the agent stopped");
        log.info("instance {}: node {} stopped", config.instanceId(), nodeName);
        reportFinalAsync();
      }
      stopped.complete(state);
    } finally {
      closeDone.countDown();
    }
  }

  /**
   * Stops heartbeating and leaves the daemons running (for a server shutdown; a later {@link
   * #adopt} resumes). While the boot is still in progress this is {@link #close()}.
   */
  public void detach() {
    if (starter != null || state == AgentState.BOOTSTRAPPING) {
      close();
      return;
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopHeartbeats();
    persistQuietly();
    reportStarted.set(true);
    api.close();
    finalReport.complete(null);
    stopped.complete(state);
    closeDone.countDown();
    log.info("instance {}: detached from node {}", config.instanceId(), nodeName);
  }

  /** The current state; {@code null} before registration. */
  public AgentState state() {
    return state;
  }

  /** The last failure or health message, or {@code null}. */
  public String message() {
    return message;
  }

  /** The Slurm node name the server assigned, or {@code null} before registration. */
  public String nodeName() {
    return nodeName;
  }

  public AgentConfig config() {
    return config;
  }

  /** The pid of the node's slurmd, if one was started or adopted. */
  public OptionalLong slurmdPid() {
    Daemon d = slurmd;
    return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
  }

  /** The pid of the node's munged, if one was started or adopted. */
  public OptionalLong mungedPid() {
    Daemon d = munged;
    return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
  }

  /** True while slurmd (and munged) run; always false on a login node. */
  public boolean slurmdAlive() {
    Daemon d = slurmd;
    return d != null && d.alive();
  }

  /**
   * Waits until the agent has stopped for good (closed, detached, told to STOP, or the boot failed)
   * and returns its final state, or {@code null} on timeout.
   */
  public AgentState awaitStopped(Duration timeout) throws InterruptedException {
    try {
      return stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }

  /** Waits (bounded) until the report of a final state has been sent or given up. */
  public boolean awaitFinalReport(Duration timeout) throws InterruptedException {
    try {
      finalReport.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------ boot sequence

  private void boot() throws IOException, InterruptedException {
    prepareDirs();
    checkClosing();
    AgentApi.Registration reg = register();
    nodeName = reg.nodeName();
    confServer = reg.confServer();
    try {
      writeKey(reg.mungeKey());
    } finally {
      Arrays.fill(reg.mungeKey(), (byte) 0);
    }
    log.info(
        "instance {}: registered as node {} of cluster {} (controller {})",
        config.instanceId(),
        nodeName,
        config.clusterId(),
        confServer);
    lock.lock();
    try {
      checkClosing();
      transition(AgentState.BOOTSTRAPPING, null);
    } finally {
      lock.unlock();
    }
    startHeartbeats();
    runBootstrapScript();
    if (!config.login()) {
      checkClosing();
      startMunged();
      checkClosing();
      startSlurmd();
      awaitSlurmdReady();
    }
    lock.lock();
    try {
      checkClosing();
      transition(AgentState.RUNNING, null);
    } finally {
      lock.unlock();
    }
    requestHeartbeat();
    log.info("instance {}: node {} is RUNNING", config.instanceId(), nodeName);
  }

  /**
   * Finishes a boot that an earlier agent for this instance directory began (see {@link #adopt}).
   */
  private void resumeBoot() throws IOException, InterruptedException {
    if (!Files.exists(paths.mungeKey())) {
      throw new AgentException(
          "the boot was interrupted before the cluster key was written; it cannot be resumed");
    }
    log.info(
        "instance {}: resuming the interrupted boot of node {}", config.instanceId(), nodeName);
    startHeartbeats();
    checkClosing();
    Daemon s = slurmd;
    Daemon m = munged;
    if (config.login()) {
      if (!Files.exists(paths.bootstrapDone())) {
        runBootstrapScript();
      }
    } else if (s != null && s.alive() && m != null && m.alive()) {
      log.info(
          "instance {}: slurmd {} is already up; waiting for its configuration",
          config.instanceId(),
          s.pid());
      awaitSlurmdReady();
    } else {
      // Half-started daemons are not worth keeping: start both again, as a new boot would.
      stopDaemonsQuietly();
      slurmd = null;
      munged = null;
      persist();
      if (!Files.exists(paths.bootstrapDone())) {
        runBootstrapScript();
      }
      checkClosing();
      startMunged();
      checkClosing();
      startSlurmd();
      awaitSlurmdReady();
    }
    lock.lock();
    try {
      checkClosing();
      transition(AgentState.RUNNING, null);
    } finally {
      lock.unlock();
    }
    requestHeartbeat();
    log.info("instance {}: node {} is RUNNING (boot resumed)", config.instanceId(), nodeName);
  }

  private void prepareDirs() throws IOException {
    mkdir(paths.dir(), "rwxr-xr-x");
    mkdir(paths.logDir(), "rwxr-xr-x");
    // munged refuses a socket directory without o+x (slurm-lab §1).
    mkdir(paths.mungeDir(), "rwxr-xr-x");
  }

  private static void mkdir(Path dir, String perms) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
  }

  private AgentApi.Registration register() throws InterruptedException {
    long deadline = System.nanoTime() + config.registrationTimeout().toNanos();
    int attempt = 0;
    while (true) {
      checkClosing();
      try {
        return api.registerOnce(config.clusterId(), config.bootstrapId());
      } catch (PcsClientException e) {
        if (!AgentApi.retryable(e)) {
          log.warn(
              "instance {}: registration refused: {}: {}",
              config.instanceId(),
              e.errorType(),
              e.getMessage());
          throw new AgentException(
              "registration refused: " + e.errorType() + ": " + e.getMessage());
        }
        attempt = pauseOrGiveUp(deadline, attempt, e.errorType() + ": " + e.getMessage());
      } catch (UncheckedIOException e) {
        if (!AgentApi.retryable(e)) {
          throw new ClosedWhileStarting();
        }
        attempt = pauseOrGiveUp(deadline, attempt, e.getMessage());
      }
    }
  }

  private int pauseOrGiveUp(long deadline, int attempt, String why) throws InterruptedException {
    Duration pause = AgentApi.backoff(attempt);
    if (System.nanoTime() + pause.toNanos() > deadline) {
      throw new AgentException(
          "registration did not succeed within "
              + config.registrationTimeout().toSeconds()
              + " s; last error: "
              + why);
    }
    if (attempt == 0 || attempt % 10 == 0) {
      log.info(
          "instance {}: registration not possible yet ({}); retrying", config.instanceId(), why);
    }
    Thread.sleep(pause.toMillis());
    return attempt + 1;
  }

  /** Writes the key 0400 without ever holding it in a String. */
  private void writeKey(byte[] key) throws IOException {
    Path file = paths.mungeKey();
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        PosixFilePermissions.asFileAttribute(
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    Files.write(file, key, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ));
  }

  private void deleteKey() {
    try {
      Files.deleteIfExists(paths.mungeKey());
      Path sock = mungeSocket;
      if (sock != null && !sock.startsWith(paths.dir())) {
        // the short fallback directory under /tmp (NodePaths.defaultMungeSocket)
        Files.deleteIfExists(sock);
        Files.deleteIfExists(Path.of(sock + ".lock"));
        try {
          Files.deleteIfExists(sock.getParent());
        } catch (IOException e) {
          log.debug("cannot remove {}: {}", sock.getParent(), e.toString());
        }
      }
    } catch (IOException e) {
      log.warn("instance {}: cannot delete the munge key: {}", config.instanceId(), e.toString());
    }
  }

  private void runBootstrapScript() throws IOException, InterruptedException {
    String script = config.bootstrapScript();
    Path logFile = paths.bootstrapLog();
    if (script == null || script.isBlank()) {
      Files.writeString(logFile, "no bootstrap script\n");
      Files.writeString(paths.bootstrapDone(), Instant.now() + "\n");
      return;
    }
    Path file = paths.bootstrapScript();
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.writeString(file, script);
    ProcessBuilder pb = new ProcessBuilder(Tools.bash().toString(), file.toString());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(baseEnvironment());
    env.putAll(config.environment());
    env.put("OPENPCS_CLUSTER_ID", nullToEmpty(config.clusterId()));
    env.put("OPENPCS_NODE_NAME", nodeName);
    env.put("OPENPCS_INSTANCE_ID", nullToEmpty(config.instanceId()));
    env.put("OPENPCS_INSTANCE_DIR", paths.dir().toString());
    pb.directory(paths.dir().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
    pb.redirectErrorStream(true);
    log.info("instance {}: running the bootstrap script", config.instanceId());
    Process p = pb.start();
    boolean done;
    try {
      done = p.waitFor(config.bootstrapTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      killTree(p);
      throw e;
    }
    if (!done) {
      killTree(p);
      throw new AgentException(
          "the bootstrap script did not finish within "
              + config.bootstrapTimeout().toSeconds()
              + " s; last output: "
              + LogTail.of(logFile, FAILURE_TAIL_LINES, FAILURE_TAIL_CHARS));
    }
    int rc = p.exitValue();
    if (rc != 0) {
      throw new AgentException(
          "the bootstrap script exited with code "
              + rc
              + "; last output: "
              + LogTail.of(logFile, FAILURE_TAIL_LINES, FAILURE_TAIL_CHARS));
    }
    // Recorded so that a boot resumed after an agent restart does not run the script twice.
    Files.writeString(paths.bootstrapDone(), Instant.now() + "\n");
    log.info("instance {}: the bootstrap script succeeded", config.instanceId());
  }

  private static void killTree(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(5, TimeUnit.SECONDS);
  }

  private static Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", Daemon.SAFE_PATH);
    env.put("HOME", System.getProperty("user.home", "/"));
    env.put("LANG", "C.UTF-8");
    env.put("SHELL", Tools.bash().toString());
    return env;
  }

  private void startMunged() throws IOException, InterruptedException {
    Path socket = paths.defaultMungeSocket();
    mkdir(socket.getParent(), "rwxr-xr-x");
    mungeSocket = socket;
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
    munged = Daemon.spawn("munged", cmd, paths.mungedOut(), baseEnvironment());
    persist();
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
   * A private mount namespace for slurmd: the host's /run is bind-mounted out of the way, a small
   * tmpfs replaces /run, every host entry reappears there as a symlink (so jobs still see
   * /run/user, /run/systemd/resolve, …) except {@code munge} and {@code slurm}: {@code
   * /run/munge/munge.socket.2} (the compiled-in default a configless slurmd fetches its config
   * with, slurm-lab §2) points at the node's own munge socket, and slurmd's {@code /run/slurm/conf}
   * link to its conf-cache stays private to the node.
   */
  static final String NAMESPACE_SCRIPT =
      """
      set -eu
      old=$1; sock=$2; shift 2
      mount --rbind /run "$old"
      mount -t tmpfs -o size=1m,mode=0755 openpcs-run /run
      for e in "$old"/* "$old"/.[!.]*; do
        n=${e##*/}
        case $n in munge|slurm) continue ;; esac
        if [ -e "$e" ] || [ -L "$e" ]; then ln -s "$e" "/run/$n"; fi
      done
      mkdir -p /run/munge
      ln -s "$sock" /run/munge/munge.socket.2
      exec "$@"
      """;

  private void startSlurmd() throws IOException {
    Path exe = config.slurmSbinDir().resolve("slurmd");
    if (!Files.isExecutable(exe)) {
      throw new AgentException(exe + " is not installed");
    }
    Files.createDirectories(paths.hostRun());
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.unshare().toString());
    cmd.add("--mount");
    cmd.add("--propagation");
    cmd.add("private");
    cmd.add(Tools.bash().toString());
    cmd.add("-c");
    cmd.add(NAMESPACE_SCRIPT);
    cmd.add("openpcs-slurmd-ns");
    cmd.add(paths.hostRun().toString());
    cmd.add(mungeSocket.toString());
    cmd.add(exe.toString());
    cmd.add("-D"); // foreground: the pid we start is slurmd's, and this JVM reaps it
    cmd.add("-b"); // report "rebooted now", or a resuming CLOUD node is ignored (slurm-lab §3)
    cmd.add("--conf-server");
    cmd.add(confServer);
    cmd.add("-N");
    cmd.add(nodeName);
    slurmd = Daemon.spawn("slurmd", cmd, paths.slurmdOut(), baseEnvironment());
    persist();
    slurmd.process().onExit().thenRun(this::requestHeartbeat);
    log.info(
        "instance {}: started slurmd {} for node {} (conf server {})",
        config.instanceId(),
        slurmd.pid(),
        nodeName,
        confServer);
  }

  /**
   * slurmd is up once it has fetched its config: 22.05 links {@code /run/slurm/conf} to its
   * conf-cache, and in our namespace that link is the node's own, visible at {@code
   * /proc/<pid>/root/run/slurm/conf}.
   */
  private void awaitSlurmdReady() throws InterruptedException {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    Path confCache = confCache(slurmd.pid());
    while (!Files.isRegularFile(confCache.resolve("slurm.conf"))) {
      if (!slurmd.alive()) {
        throw new AgentException(
            "slurmd exited"
                + slurmd.exitCode().map(c -> " with code " + c).orElse("")
                + " before it had its configuration; last output: "
                + LogTail.of(paths.slurmdOut(), FAILURE_TAIL_LINES, FAILURE_TAIL_CHARS));
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException(
            "slurmd did not fetch its configuration from "
                + confServer
                + " within "
                + config.startTimeout().toSeconds()
                + " s; last output: "
                + LogTail.of(paths.slurmdOut(), FAILURE_TAIL_LINES, FAILURE_TAIL_CHARS));
      }
      Thread.sleep(100);
    }
  }

  /** slurmd's conf-cache, seen through its mount namespace. */
  static Path confCache(long slurmdPid) {
    return Path.of("/proc", Long.toString(slurmdPid), "root", "run", "slurm", "conf");
  }

  // ------------------------------------------------------------------------------ failure & stop

  /**
   * Reports a boot failure: stops what was started, persists, reports (async), stops heartbeats.
   */
  private void fail(String why) {
    stopHeartbeats();
    stopDaemonsQuietly();
    deleteKey();
    transition(AgentState.BOOTSTRAP_FAILED, why);
    log.warn("instance {}: BOOTSTRAP_FAILED: {}", config.instanceId(), why);
    stopped.complete(AgentState.BOOTSTRAP_FAILED);
    reportFinalAsync();
  }

  private void stopDaemonsQuietly() {
    boolean interrupted = Thread.interrupted();
    try {
      Daemon s = slurmd;
      if (s != null && s.stop(STOP_GRACE)) {
        log.info("instance {}: stopped slurmd {}", config.instanceId(), s.pid());
      }
      Daemon m = munged;
      if (m != null && m.stop(STOP_GRACE)) {
        log.info("instance {}: stopped munged {}", config.instanceId(), m.pid());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void checkClosing() {
    if (closing) {
      throw new ClosedWhileStarting();
    }
  }

  /** Thrown inside the boot when close() interrupts it. */
  private static final class ClosedWhileStarting extends RuntimeException {
    ClosedWhileStarting() {
      super(null, null, false, false);
    }
  }

  // ------------------------------------------------------------------------------ state & reports

  private void transition(AgentState next, String why) {
    state = next;
    message = why;
    persistQuietly();
  }

  private void persist() throws IOException {
    Daemon m = munged;
    Daemon s = slurmd;
    Path sock = mungeSocket;
    AgentState st = state;
    new StateFile(
            1,
            config.instanceId(),
            config.clusterId(),
            config.bootstrapId(),
            nodeName,
            confServer,
            config.login(),
            st == null ? null : st.name(),
            message,
            sock == null ? null : sock.toString(),
            m == null ? null : m.pid(),
            m == null ? null : m.startTicks(),
            s == null ? null : s.pid(),
            s == null ? null : s.startTicks(),
            Instant.now().toString())
        .write(paths.dir());
  }

  private void persistQuietly() {
    try {
      if (Files.isDirectory(paths.dir())) {
        persist();
      }
    } catch (IOException e) {
      log.warn("instance {}: cannot write the agent state: {}", config.instanceId(), e.toString());
    }
  }

  /** While RUNNING, a dead slurmd or munged turns every heartbeat's message into a failure note. */
  private void checkHealth() {
    if (state != AgentState.RUNNING || config.login()) {
      return;
    }
    Daemon s = slurmd;
    Daemon m = munged;
    String problem = null;
    if (s == null || !s.alive()) {
      problem =
          "slurmd is not running"
              + (s == null
                  ? ""
                  : " (pid "
                      + s.pid()
                      + s.exitCode().map(c -> ", exit code " + c).orElse("")
                      + ")");
    } else if (m == null || !m.alive()) {
      problem = "munged is not running" + (m == null ? "" : " (pid " + m.pid() + ")");
    }
    if (problem != null && !problem.equals(message)) {
      message = problem;
      persistQuietly();
      if (!unhealthyLogged) {
        unhealthyLogged = true;
        log.warn("instance {}: node {}: {}", config.instanceId(), nodeName, problem);
      }
    }
  }

  private void requestHeartbeat() {
    lock.lock();
    try {
      heartbeatRequested = true;
      wakeup.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void startHeartbeats() {
    lock.lock();
    try {
      if (heartbeatThread != null || heartbeatsStopped) {
        return;
      }
      heartbeatRequested = true;
      heartbeatThread =
          Thread.ofVirtual()
              .name("agent-heartbeat-" + config.instanceId())
              .start(this::heartbeatLoop);
    } finally {
      lock.unlock();
    }
  }

  private void stopHeartbeats() {
    Thread t;
    lock.lock();
    try {
      heartbeatsStopped = true;
      wakeup.signalAll();
      t = heartbeatThread;
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      boolean interrupted = false;
      try {
        t.join(Duration.ofSeconds(20));
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void heartbeatLoop() {
    long interval = config.heartbeatInterval().toNanos();
    long next = System.nanoTime();
    int failures = 0;
    while (true) {
      lock.lock();
      try {
        while (!heartbeatsStopped && !heartbeatRequested) {
          long wait = next - System.nanoTime();
          if (wait <= 0) {
            break;
          }
          wakeup.awaitNanos(wait);
        }
        if (heartbeatsStopped) {
          return;
        }
        heartbeatRequested = false;
      } catch (InterruptedException e) {
        if (heartbeatsStopped) {
          return;
        }
        continue;
      } finally {
        lock.unlock();
      }
      checkHealth();
      AgentState s = state;
      if (s == null) {
        next = System.nanoTime() + interval;
        continue;
      }
      AgentApi.Action action = AgentApi.Action.CONTINUE;
      try {
        action = send(s);
        if (failures > 0) {
          log.info("instance {}: heartbeats reach the server again", config.instanceId());
        }
        failures = 0;
      } catch (RuntimeException e) {
        if (heartbeatsStopped) {
          return;
        }
        if (failures++ % 10 == 0) {
          log.warn("instance {}: heartbeat failed: {}", config.instanceId(), describe(e));
        }
      }
      if (action == AgentApi.Action.STOP) {
        log.info("instance {}: the server said STOP", config.instanceId());
        Thread.ofVirtual().name("agent-stop-" + config.instanceId()).start(this::close);
        return;
      }
      next = System.nanoTime() + interval;
    }
  }

  private AgentApi.Action send(AgentState s) {
    return api.heartbeat(
        config.clusterId(), config.instanceId(), config.bootstrapId(), nodeName, s, message);
  }

  /** Sends the final state (3 attempts) on a virtual thread, then closes the HTTP client. */
  private void reportFinalAsync() {
    AgentState s = state;
    if (!reportStarted.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .name("agent-report-" + config.instanceId())
        .start(
            () -> {
              try {
                for (int attempt = 0; attempt < 3; attempt++) {
                  try {
                    send(s);
                    return;
                  } catch (RuntimeException e) {
                    if (attempt == 2) {
                      log.warn(
                          "instance {}: could not report {}: {}",
                          config.instanceId(),
                          s,
                          describe(e));
                      return;
                    }
                  }
                  Thread.sleep(500L << attempt);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                api.close();
                finalReport.complete(null);
              }
            });
  }

  private static String describe(RuntimeException e) {
    if (e instanceof PcsClientException p) {
      return p.errorType() + ": " + p.getMessage();
    }
    return e.getMessage();
  }

  private static AgentState parseState(String s) {
    if (s == null) {
      return AgentState.BOOTSTRAPPING;
    }
    try {
      return AgentState.valueOf(s);
    } catch (IllegalArgumentException e) {
      return AgentState.BOOTSTRAPPING;
    }
  }

  private static long orMinus1(Long v) {
    return v == null ? -1 : v;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static boolean awaitQuietly(CountDownLatch latch, Duration d) {
    try {
      return latch.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
