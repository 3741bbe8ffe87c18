package org.openpcs.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.openpcs.api.client.PcsClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's registration: trades the single-use bootstrap id for the node name, the cluster key
 * and the controller, retrying what may pass later (server not up yet, throttling) until the
 * registration timeout, and failing at once on a refusal.
 */
final class Registration {
  private static final Logger log = LoggerFactory.getLogger(Registration.class);
  private final AgentConfig config;
  private final AgentApi api;
  private final Runnable checkClosing;

  /**
   * @param checkClosing throws {@link Agent.ClosedWhileStarting} when the agent is being closed
   */
  Registration(AgentConfig config, AgentApi api, Runnable checkClosing) {
    this.config = config;
    this.api = api;
    this.checkClosing = checkClosing;
  }

  AgentApi.Registration register() throws InterruptedException {
    long deadline = System.nanoTime() + config.registrationTimeout().toNanos();
    int attempt = 0;
    while (true) {
      checkClosing.run();
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
          throw new Agent.ClosedWhileStarting();
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
  static void writeKey(Path file, byte[] key) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        PosixFilePermissions.asFileAttribute(
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    Files.write(file, key, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ));
  }
}
