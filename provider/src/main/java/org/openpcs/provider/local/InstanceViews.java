package org.openpcs.provider.local;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.openpcs.agent.AgentState;
import org.openpcs.agent.RecordedAgent;
import org.openpcs.provider.Instance;

/**
 * Instance records as the port's {@link Instance}: a live instance's state reason repeats its
 * agent's failure from {@code agent-state.json}, or says that a spot interruption notice is
 * pending. Reads those files and keeps no state of its own, so it needs no lock; the provider calls
 * it outside its monitor where it can (describe: a burst's launches must not queue behind it).
 */
final class InstanceViews {
  private final Path stateDir;
  private final SpotNotices notices;

  InstanceViews(Path stateDir, SpotNotices notices) {
    this.stateDir = stateDir;
    this.notices = notices;
  }

  Instance of(InstanceRecord r) {
    return of(r, notices::deadline);
  }

  /**
   * @param deadlineOf an instance's spot interruption deadline, if it has been given notice
   */
  Instance of(InstanceRecord r, Function<String, Optional<Instant>> deadlineOf) {
    String reason = r.stateReason();
    if (!LocalProvider.TERMINATED.equals(r.state())) {
      reason =
          RecordedAgent.read(stateDir.resolve(r.instanceId()))
              .map(InstanceViews::agentReason)
              .orElse(reason);
      Optional<Instant> deadline = deadlineOf.apply(r.instanceId());
      if (deadline.isPresent()) {
        reason =
            LocalProvider.SPOT_INTERRUPTION
                + ": the instance will be reclaimed at "
                + deadline.get();
      }
    }
    return new Instance(
        r.instanceId(),
        r.instanceType(),
        r.state(),
        r.privateIp(),
        r.tags(),
        Instant.parse(r.launchedAt()),
        reason);
  }

  private static String agentReason(RecordedAgent a) {
    if (a.state() == AgentState.BOOTSTRAP_FAILED) {
      return "agent: BOOTSTRAP_FAILED: " + a.message();
    }
    if (a.state() == AgentState.STOPPED) {
      return "agent: STOPPED";
    }
    return a.message() == null ? null : "agent: " + a.message();
  }
}
