package org.openpcs.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node one {@link Agent} runs, as that agent knows it: the name and controller registration
 * gave it, its state and message, its munge socket and daemons. What another agent would need to
 * adopt the node is written to {@code agent-state.json} ({@link StateFile}).
 *
 * <p>Every field is volatile, as it was when these were Agent's own fields: the boot thread writes
 * them while heartbeats, {@link Agent#close()} and callers of Agent's getters read them from other
 * threads. There is no lock; code that needs a field twice reads it once into a local.
 */
final class AgentNode {
  private static final Logger log = LoggerFactory.getLogger(AgentNode.class);

  private final AgentConfig config;
  private final NodePaths paths;

  volatile AgentState state;
  volatile String message;
  volatile String nodeName;
  volatile String confServer;
  volatile Path mungeSocket;
  volatile Daemon munged;
  volatile Daemon slurmd;
  private volatile boolean unhealthyLogged;

  AgentNode(AgentConfig config, NodePaths paths) {
    this.config = config;
    this.paths = paths;
  }

  /**
   * Takes over what an earlier agent recorded (all but the state, which the adopting agent decides
   * on); for {@link Agent#adopt}, before the agent is shared.
   */
  void restore(StateFile f) {
    nodeName = f.nodeName();
    confServer = f.confServer();
    mungeSocket = f.mungeSocket() == null ? null : Path.of(f.mungeSocket());
    if (f.mungedPid() != null) {
      munged = Daemon.adopt("munged", f.mungedPid(), RecordedAgent.orMinus1(f.mungedStartTicks()));
    }
    if (f.slurmdPid() != null) {
      slurmd = Daemon.adopt("slurmd", f.slurmdPid(), RecordedAgent.orMinus1(f.slurmdStartTicks()));
    }
    message = f.message();
  }

  void transition(AgentState next, String why) {
    state = next;
    message = why;
    persistQuietly();
  }

  void persist() throws IOException {
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

  void persistQuietly() {
    try {
      if (Files.isDirectory(paths.dir())) {
        persist();
      }
    } catch (IOException e) {
      log.warn("instance {}: cannot write the agent state: {}", config.instanceId(), e.toString());
    }
  }

  /** While RUNNING, a dead slurmd or munged turns every heartbeat's message into a failure note. */
  void checkHealth() {
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

  /**
   * Stops slurmd, then munged. A pending interrupt (close() interrupts the boot) is set aside so
   * that it does not cut the stops short, and restored afterwards.
   */
  void stopDaemonsQuietly() {
    boolean interrupted = Thread.interrupted();
    try {
      Daemon s = slurmd;
      if (s != null && s.stop(Agent.STOP_GRACE)) {
        log.info("instance {}: stopped slurmd {}", config.instanceId(), s.pid());
      }
      Daemon m = munged;
      if (m != null && m.stop(Agent.STOP_GRACE)) {
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

  void deleteKey() {
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
}
