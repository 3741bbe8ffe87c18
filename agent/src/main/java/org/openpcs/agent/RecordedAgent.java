package org.openpcs.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent last recorded in an instance directory, for code that does not run that agent: the
 * provider describing or terminating instances, tests. The state is {@code null} when the agent
 * never got as far as registering.
 */
public record RecordedAgent(String nodeName, AgentState state, String message) {
  private static final Logger log = LoggerFactory.getLogger(RecordedAgent.class);

  /** The node name, state and message an agent recorded in {@code instanceDir}, if any. */
  public static Optional<RecordedAgent> read(Path instanceDir) {
    try {
      return StateFile.read(instanceDir)
          .map(
              f ->
                  new RecordedAgent(
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
  public static boolean stop(Path instanceDir) throws InterruptedException {
    Optional<StateFile> read = StateFile.read(instanceDir);
    if (read.isEmpty()) {
      return false;
    }
    StateFile f = read.get();
    boolean any = false;
    if (f.slurmdPid() != null) {
      any |=
          Daemon.adopt("slurmd", f.slurmdPid(), orMinus1(f.slurmdStartTicks()))
              .stop(Agent.STOP_GRACE);
    }
    if (f.mungedPid() != null) {
      any |=
          Daemon.adopt("munged", f.mungedPid(), orMinus1(f.mungedStartTicks()))
              .stop(Agent.STOP_GRACE);
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

  /** A recorded state name; an unknown or missing one reads as still booting. */
  static AgentState parseState(String s) {
    if (s == null) {
      return AgentState.BOOTSTRAPPING;
    }
    try {
      return AgentState.valueOf(s);
    } catch (IllegalArgumentException e) {
      return AgentState.BOOTSTRAPPING;
    }
  }

  static long orMinus1(Long v) {
    return v == null ? -1 : v;
  }
}
