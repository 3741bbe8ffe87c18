package org.openpcs.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
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
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final int FAILURE_TAIL_LINES = 15;
  static final int FAILURE_TAIL_CHARS = 1500;

  private final AgentConfig config;
  private final NodePaths paths;
  private final AgentApi api;
  private final ReentrantLock lock = new ReentrantLock();
  private final Heartbeats heartbeats;
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
  private volatile boolean closing;
  private volatile boolean unhealthyLogged;

  /** When this agent was made: after the launch, so after Slurm's resume request for the node. */
  private final long createdMillis = System.currentTimeMillis();

  public Agent(AgentConfig config) {
    this.config = config;
    this.paths = new NodePaths(config.instanceDir());
    this.api =
        new AgentApi(
            config.endpoint(), config.region(), config.accessKeyId(), config.secretAccessKey());
    this.heartbeats =
        new Heartbeats(config.instanceId(), config.heartbeatInterval(), this::beat, this::close);
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
      a.munged =
          Daemon.adopt("munged", f.mungedPid(), RecordedAgent.orMinus1(f.mungedStartTicks()));
    }
    if (f.slurmdPid() != null) {
      a.slurmd =
          Daemon.adopt("slurmd", f.slurmdPid(), RecordedAgent.orMinus1(f.slurmdStartTicks()));
    }
    AgentState recorded = RecordedAgent.parseState(f.state());
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
        a.heartbeats.start();
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
      heartbeats.stop();
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
    heartbeats.stop();
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
    heartbeats.start();
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
    heartbeats.request();
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
    heartbeats.start();
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
      // A daemon the earlier agent spawned but died before recording would hold the node's
      // socket or port (and outlive the instance): find it by what it runs on and stop it.
      NodeDaemons.stopStrays(paths, STOP_GRACE);
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
    heartbeats.request();
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

  private AgentApi.Registration register() throws InterruptedException {
    return new Registration(config, api, this::checkClosing).register();
  }

  private void writeKey(byte[] key) throws IOException {
    Registration.writeKey(paths.mungeKey(), key);
  }

  private void runBootstrapScript() throws IOException, InterruptedException {
    new BootstrapScript(config, paths).run(nodeName);
  }

  private void startMunged() throws IOException, InterruptedException {
    Path socket = paths.defaultMungeSocket();
    mkdir(socket.getParent(), "rwxr-xr-x");
    mungeSocket = socket;
    // recorded before waiting for its socket, so that an agent that dies meanwhile is adopted
    new NodeDaemons(config, paths)
        .startMunged(
            socket,
            d -> {
              munged = d;
              persist();
            });
  }

  private void startSlurmd() throws IOException, InterruptedException {
    Thread.sleep(NodeDaemons.millisUntilLaterSecond(createdMillis, System.currentTimeMillis()));
    slurmd = new NodeDaemons(config, paths).startSlurmd(confServer, nodeName, mungeSocket);
    persist();
    slurmd.process().onExit().thenRun(heartbeats::request);
    log.info(
        "instance {}: started slurmd {} for node {} (conf server {})",
        config.instanceId(),
        slurmd.pid(),
        nodeName,
        confServer);
  }

  private void awaitSlurmdReady() throws InterruptedException {
    new NodeDaemons(config, paths).awaitSlurmdReady(slurmd, confServer);
  }

  // ------------------------------------------------------------------------------ failure & stop

  /**
   * Reports a boot failure: stops what was started, persists, reports (async), stops heartbeats.
   */
  private void fail(String why) {
    heartbeats.stop();
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
  static final class ClosedWhileStarting extends RuntimeException {
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

  /** One heartbeat: the current state and health, once the node has a state to report. */
  private Optional<AgentApi.Action> beat() {
    checkHealth();
    AgentState s = state;
    return s == null ? Optional.empty() : Optional.of(send(s));
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
                          Heartbeats.describe(e));
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
