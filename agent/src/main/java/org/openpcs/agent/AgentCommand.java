package org.openpcs.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpcs agent --config <file.json>}: runs the node agent in the foreground. It boots the
 * node, heartbeats, and stops the node's daemons on SIGTERM (or when the server says STOP). Exit
 * codes: 0 stopped cleanly, 1 the node could not be brought up, 2 bad configuration.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Run the OpenPCS node agent in the foreground until SIGTERM.")
public final class AgentCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "<file.json>",
      description = "The agent configuration (see AgentConfigJson).")
  Path config;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg;
    try {
      cfg = AgentConfigJson.read(config);
    } catch (Exception e) {
      System.err.println("openpcs agent: " + e.getMessage());
      return 2;
    }
    Agent agent = new Agent(cfg);
    Thread hook =
        new Thread(
            () -> {
              agent.close();
              try {
                agent.awaitFinalReport(Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "openpcs-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      agent.start();
    } catch (AgentException e) {
      System.err.println("openpcs agent: " + e.getMessage());
      agent.awaitFinalReport(Duration.ofSeconds(10));
      removeHook(hook);
      return 1;
    }
    AgentState end;
    do {
      end = agent.awaitStopped(Duration.ofDays(365));
    } while (end == null);
    agent.awaitFinalReport(Duration.ofSeconds(10));
    removeHook(hook);
    log.info("agent finished in state {}", end);
    return end == AgentState.BOOTSTRAP_FAILED ? 1 : 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }
}
