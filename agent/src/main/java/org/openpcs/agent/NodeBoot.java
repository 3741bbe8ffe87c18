package org.openpcs.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's boot sequences, run by {@link Agent} in its boot thread: {@link #run} for a new
 * instance, {@link #resume} for one an earlier agent began (see {@link Agent#adopt}). Between steps
 * it calls {@code checkClosing}, which throws {@link Agent.ClosedWhileStarting} once {@link
 * Agent#close()} has begun (close() also interrupts the boot thread). What the boot learns and
 * starts goes into the agent's {@link AgentNode}, which records it for adoption.
 */
final class NodeBoot {
  private static final Logger log = LoggerFactory.getLogger(NodeBoot.class);

  private final AgentConfig config;
  private final NodePaths paths;
  private final AgentApi api;
  private final Heartbeats heartbeats;
  private final AgentNode node;
  private final NodeDaemons daemons;
  private final Runnable checkClosing;

  /** When the agent was made: after the launch, so after Slurm's resume request for the node. */
  private final long createdMillis;

  /**
   * @param checkClosing throws {@link Agent.ClosedWhileStarting} when the agent is being closed
   * @param createdMillis when the agent was made (wall clock)
   */
  NodeBoot(
      AgentConfig config,
      NodePaths paths,
      AgentApi api,
      Heartbeats heartbeats,
      AgentNode node,
      Runnable checkClosing,
      long createdMillis) {
    this.config = config;
    this.paths = paths;
    this.api = api;
    this.heartbeats = heartbeats;
    this.node = node;
    this.daemons = new NodeDaemons(config, paths);
    this.checkClosing = checkClosing;
    this.createdMillis = createdMillis;
  }

  /** Boots a new instance, from registration to RUNNING. */
  void run() throws IOException, InterruptedException {
    prepareDirs();
    checkClosing.run();
    AgentApi.Registration reg = register();
    node.nodeName = reg.nodeName();
    node.confServer = reg.confServer();
    try {
      writeKey(reg.mungeKey());
    } finally {
      Arrays.fill(reg.mungeKey(), (byte) 0);
    }
    log.info(
        "instance {}: registered as node {} of cluster {} (controller {})",
        config.instanceId(),
        node.nodeName,
        config.clusterId(),
        node.confServer);
    transitionUnlessClosing(AgentState.BOOTSTRAPPING);
    heartbeats.start();
    runBootstrapScript();
    if (!config.login()) {
      startDaemons();
    }
    transitionUnlessClosing(AgentState.RUNNING);
    heartbeats.request();
    log.info("instance {}: node {} is RUNNING", config.instanceId(), node.nodeName);
  }

  /** munged, then slurmd, then its configuration; a close in between stops the boot. */
  private void startDaemons() throws IOException, InterruptedException {
    checkClosing.run();
    startMunged();
    checkClosing.run();
    startSlurmd();
    awaitSlurmdReady();
  }

  /** Finishes a boot that an earlier agent for this instance directory began. */
  void resume() throws IOException, InterruptedException {
    if (!Files.exists(paths.mungeKey())) {
      throw new AgentException(
          "the boot was interrupted before the cluster key was written; it cannot be resumed");
    }
    log.info(
        "instance {}: resuming the interrupted boot of node {}",
        config.instanceId(),
        node.nodeName);
    heartbeats.start();
    checkClosing.run();
    Daemon s = node.slurmd;
    Daemon m = node.munged;
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
      node.stopDaemonsQuietly();
      node.slurmd = null;
      node.munged = null;
      node.persist();
      // A daemon the earlier agent spawned but died before recording would hold the node's
      // socket or port (and outlive the instance): find it by what it runs on and stop it.
      NodeDaemons.stopStrays(paths, Agent.STOP_GRACE);
      if (!Files.exists(paths.bootstrapDone())) {
        runBootstrapScript();
      }
      startDaemons();
    }
    transitionUnlessClosing(AgentState.RUNNING);
    heartbeats.request();
    log.info("instance {}: node {} is RUNNING (boot resumed)", config.instanceId(), node.nodeName);
  }

  /**
   * No lock: only the boot thread changes the state while it boots ({@link Agent#close} marks the
   * agent closing, interrupts the boot and waits for it before recording STOPPED). A lock that was
   * here was only ever taken by this thread.
   */
  private void transitionUnlessClosing(AgentState next) {
    checkClosing.run();
    node.transition(next, null);
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
    return new Registration(config, api, checkClosing).register();
  }

  private void writeKey(byte[] key) throws IOException {
    Registration.writeKey(paths.mungeKey(), key);
  }

  private void runBootstrapScript() throws IOException, InterruptedException {
    new BootstrapScript(config, paths).run(node.nodeName);
  }

  private void startMunged() throws IOException, InterruptedException {
    Path socket = paths.defaultMungeSocket();
    mkdir(socket.getParent(), "rwxr-xr-x");
    node.mungeSocket = socket;
    // recorded before waiting for its socket, so that an agent that dies meanwhile is adopted
    daemons.startMunged(
        socket,
        d -> {
          node.munged = d;
          node.persist();
        });
  }

  private void startSlurmd() throws IOException, InterruptedException {
    Thread.sleep(NodeDaemons.millisUntilLaterSecond(createdMillis, System.currentTimeMillis()));
    node.slurmd = daemons.startSlurmd(node.confServer, node.nodeName, node.mungeSocket);
    node.persist();
    node.slurmd.process().onExit().thenRun(heartbeats::request);
    log.info(
        "instance {}: started slurmd {} for node {} (conf server {})",
        config.instanceId(),
        node.slurmd.pid(),
        node.nodeName,
        node.confServer);
  }

  private void awaitSlurmdReady() throws InterruptedException {
    daemons.awaitSlurmdReady(node.slurmd, node.confServer);
  }
}
