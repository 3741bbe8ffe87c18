package org.openpcs.provider.local;

import org.openpcs.agent.Agent;
import org.openpcs.agent.AgentConfig;
import org.openpcs.agent.AgentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the local provider runs an instance's agent. {@link #inProcess()} (the default) runs {@link
 * Agent} on a virtual thread of this JVM — the same code as {@code openpcs agent}; tests use {@link
 * #none()}.
 */
public interface AgentRunner {

  /** Starts the agent of a new instance and returns at once. */
  Handle run(AgentConfig config);

  /**
   * Resumes the agent of an instance that was running before this process started (its agent state
   * is in {@code config.instanceDir()}). Runners that cannot adopt start the agent afresh.
   */
  default Handle adopt(AgentConfig config) {
    return run(config);
  }

  /** A running agent. */
  interface Handle extends AutoCloseable {
    /** Stops the agent and its daemons (the instance is being terminated). */
    @Override
    void close();

    /** Lets go of the agent but leaves its daemons running (the server is shutting down). */
    default void detach() {}
  }

  /** The real agent, in-process, on a virtual thread per instance. */
  static AgentRunner inProcess() {
    return new InProcess();
  }

  /** Runs nothing (provider tests). */
  static AgentRunner none() {
    return config -> () -> {};
  }

  /** The in-process runner. */
  final class InProcess implements AgentRunner {
    private static final Logger log = LoggerFactory.getLogger(InProcess.class);

    @Override
    public Handle run(AgentConfig config) {
      Agent agent = new Agent(config);
      Thread.ofVirtual()
          .name("agent-" + config.instanceId())
          .start(
              () -> {
                try {
                  agent.start();
                } catch (AgentException e) {
                  // already logged and reported as BOOTSTRAP_FAILED (or closed meanwhile)
                } catch (RuntimeException e) {
                  log.error("agent of {} failed", config.instanceId(), e);
                }
              });
      return handle(agent);
    }

    @Override
    public Handle adopt(AgentConfig config) {
      return handle(Agent.adopt(config));
    }

    private static Handle handle(Agent agent) {
      return new Handle() {
        @Override
        public void close() {
          agent.close();
        }

        @Override
        public void detach() {
          agent.detach();
        }
      };
    }
  }
}
