package org.openpcs.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>This class holds the agent's lifecycle (start, adopt, close, detach) and its threads; the boot
 * steps are {@link NodeBoot}'s, what the agent knows of its node (and records) is {@link
 * AgentNode}'s, and the report of a final state is {@link FinalReport}'s.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final int FAILURE_TAIL_LINES = 15;
  static final int FAILURE_TAIL_CHARS = 1500;

  private final AgentConfig config;
  private final AgentApi api;

  /** State, node name, daemons: volatile fields, written by the boot, read by every thread. */
  private final AgentNode node;

  private final Heartbeats heartbeats;
  private final NodeBoot boot;
  private final FinalReport finalReport;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch startDone = new CountDownLatch(1);
  private final CountDownLatch closeDone = new CountDownLatch(1);
  private final CompletableFuture<AgentState> stopped = new CompletableFuture<>();

  private volatile Thread starter;
  private volatile boolean closing;

  public Agent(AgentConfig config) {
    // When this agent was made: after the launch, so after Slurm's resume request for the node.
    long createdMillis = System.currentTimeMillis();
    this.config = config;
    NodePaths paths = new NodePaths(config.instanceDir());
    this.node = new AgentNode(config, paths);
    this.api =
        new AgentApi(
            config.endpoint(), config.region(), config.accessKeyId(), config.secretAccessKey());
    this.heartbeats =
        new Heartbeats(config.instanceId(), config.heartbeatInterval(), this::beat, this::close);
    this.boot =
        new NodeBoot(config, paths, api, heartbeats, node, this::checkClosing, createdMillis);
    this.finalReport = new FinalReport(config.instanceId(), api, this::send);
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
    runBoot(boot::run);
  }

  /**
   * A boot sequence: {@link NodeBoot#run} for a new instance, {@link NodeBoot#resume} after
   * adoption.
   */
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
    AgentNode n = a.node;
    n.restore(f);
    AgentState recorded = RecordedAgent.parseState(f.state());
    log.info(
        "instance {}: adopting node {} (recorded state {}, slurmd {}, munged {})",
        config.instanceId(),
        f.nodeName(),
        recorded,
        n.slurmd == null ? "none" : n.slurmd.alive() ? "alive" : "gone",
        n.munged == null ? "none" : n.munged.alive() ? "alive" : "gone");
    if (recorded != AgentState.BOOTSTRAPPING) {
      a.startDone.countDown();
    }
    switch (recorded) {
      case RUNNING -> {
        n.state = AgentState.RUNNING;
        n.checkHealth();
        a.heartbeats.start();
      }
      case BOOTSTRAPPING -> {
        n.state = AgentState.BOOTSTRAPPING;
        Thread t =
            Thread.ofVirtual()
                .name("agent-resume-" + config.instanceId())
                .unstarted(
                    () -> {
                      try {
                        a.runBoot(a.boot::resume);
                      } catch (AgentException e) {
                        // already logged and reported as BOOTSTRAP_FAILED (or closed meanwhile)
                      }
                    });
        a.starter = t; // so that close() interrupts and awaits the resumed boot
        t.start();
      }
      case BOOTSTRAP_FAILED, STOPPED -> {
        n.state = recorded;
        a.stopped.complete(recorded);
        a.finalReport.sendAsync(n.state);
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
      node.stopDaemonsQuietly();
      node.deleteKey();
      AgentState now = node.state;
      if (now == null || now == AgentState.BOOTSTRAP_FAILED || now == AgentState.STOPPED) {
        // Never registered, or already final: nothing new to tell the server.
        finalReport.skipUnlessStarted();
      } else {
        node.transition(AgentState.STOPPED, "the agent stopped");
        log.info("instance {}: node {} stopped", config.instanceId(), node.nodeName);
        finalReport.sendAsync(node.state);
      }
      stopped.complete(node.state);
    } finally {
      closeDone.countDown();
    }
  }

  /**
   * Stops heartbeating and leaves the daemons running (for a server shutdown; a later {@link
   * #adopt} resumes). While the boot is still in progress this is {@link #close()}.
   */
  public void detach() {
    if (starter != null || node.state == AgentState.BOOTSTRAPPING) {
      close();
      return;
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeats.stop();
    node.persistQuietly();
    finalReport.skip();
    stopped.complete(node.state);
    closeDone.countDown();
    log.info("instance {}: detached from node {}", config.instanceId(), node.nodeName);
  }

  /** The current state; {@code null} before registration. */
  public AgentState state() {
    return node.state;
  }

  /** The last failure or health message, or {@code null}. */
  public String message() {
    return node.message;
  }

  /** The Slurm node name the server assigned, or {@code null} before registration. */
  public String nodeName() {
    return node.nodeName;
  }

  public AgentConfig config() {
    return config;
  }

  /** The pid of the node's slurmd, if one was started or adopted. */
  public OptionalLong slurmdPid() {
    Daemon d = node.slurmd;
    return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
  }

  /** The pid of the node's munged, if one was started or adopted. */
  public OptionalLong mungedPid() {
    Daemon d = node.munged;
    return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
  }

  /** True while slurmd (and munged) run; always false on a login node. */
  public boolean slurmdAlive() {
    Daemon d = node.slurmd;
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
    return finalReport.await(timeout);
  }

  // ------------------------------------------------------------------------------ failure & stop

  /**
   * Reports a boot failure: stops what was started, persists, reports (async), stops heartbeats.
   */
  private void fail(String why) {
    heartbeats.stop();
    node.stopDaemonsQuietly();
    node.deleteKey();
    node.transition(AgentState.BOOTSTRAP_FAILED, why);
    log.warn("instance {}: BOOTSTRAP_FAILED: {}", config.instanceId(), why);
    stopped.complete(AgentState.BOOTSTRAP_FAILED);
    finalReport.sendAsync(node.state);
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

  // ------------------------------------------------------------------------------ heartbeats

  /** One heartbeat: the current state and health, once the node has a state to report. */
  private Optional<AgentApi.Action> beat() {
    node.checkHealth();
    AgentState s = node.state;
    return s == null ? Optional.empty() : Optional.of(send(s));
  }

  private AgentApi.Action send(AgentState s) {
    return api.heartbeat(
        config.clusterId(),
        config.instanceId(),
        config.bootstrapId(),
        node.nodeName,
        s,
        node.message);
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
