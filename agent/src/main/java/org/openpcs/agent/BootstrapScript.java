package org.openpcs.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launch template's bootstrap script, run by bash in the instance directory with a clean
 * environment plus the template's variables and {@code OPENPCS_*}, output to the bootstrap log,
 * killed (with its children) after the bootstrap timeout. Success is recorded, so that a boot
 * resumed after an agent restart does not run it twice.
 */
final class BootstrapScript {
  private static final Logger log = LoggerFactory.getLogger(BootstrapScript.class);
  private final AgentConfig config;
  private final NodePaths paths;

  BootstrapScript(AgentConfig config, NodePaths paths) {
    this.config = config;
    this.paths = paths;
  }

  /** Runs the script for {@code nodeName}; throws AgentException when it fails or times out. */
  void run(String nodeName) throws IOException, InterruptedException {
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
    env.putAll(Daemon.baseEnvironment());
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
              + LogTail.of(logFile, Agent.FAILURE_TAIL_LINES, Agent.FAILURE_TAIL_CHARS));
    }
    int rc = p.exitValue();
    if (rc != 0) {
      throw new AgentException(
          "the bootstrap script exited with code "
              + rc
              + "; last output: "
              + LogTail.of(logFile, Agent.FAILURE_TAIL_LINES, Agent.FAILURE_TAIL_CHARS));
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

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
