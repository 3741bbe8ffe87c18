package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code openpcs agent --config <file>}: exit codes, and that it runs until told to stop. */
class AgentCommandTest {
  @TempDir Path tmp;
  StubPcsServer server;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    server = new StubPcsServer();
    byte[] key = new byte[64];
    new SecureRandom().nextBytes(key);
    server.registerAs("login-1", "127.0.0.1", 6817, key);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  Path writeConfig() throws Exception {
    AgentConfig c =
        new AgentConfig(
            server.endpoint(),
            "us-east-1",
            "AKIDNODE",
            "secret",
            "pcs_abcdefghij",
            "boot-9",
            "i-0000000000000000a",
            tmp.resolve("node"),
            "echo hi",
            Map.of(),
            true,
            Duration.ofMillis(200));
    Path f = tmp.resolve("agent.json");
    Files.writeString(
        f,
        AgentConfigJson.write(c.withTimeouts(Duration.ofSeconds(2), null, null), true).toString());
    return f;
  }

  int run(String... args) {
    return new CommandLine(new AgentCommand()).execute(args);
  }

  @Test
  void aBadConfigIsExitCode2() throws Exception {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, "{\"endpoint\": \"http://x\"}");
    assertThat(run("--config", f.toString())).isEqualTo(2);
    assertThat(run("--config", tmp.resolve("missing.json").toString())).isEqualTo(2);
  }

  @Test
  void aRefusedRegistrationIsExitCode1() throws Exception {
    server.registerAnswer =
        n -> StubPcsServer.Answer.error(403, "AccessDeniedException", "unknown bootstrap id");
    assertThat(run("--config", writeConfig().toString())).isEqualTo(1);
    server.awaitState("BOOTSTRAP_FAILED", Duration.ofSeconds(10));
  }

  @Test
  void runsUntilTheServerSaysStopThenExits0() throws Exception {
    Path f = writeConfig();
    Thread stopper =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    server.awaitState("RUNNING", Duration.ofSeconds(20));
                    server.heartbeatAction = "STOP";
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    assertThat(run("--config", f.toString())).isEqualTo(0);
    stopper.join();
    assertThat(server.heartbeatStates()).contains("BOOTSTRAPPING", "RUNNING", "STOPPED");
    assertThat(Files.readString(tmp.resolve("node/log/bootstrap.log"))).contains("hi");
  }
}
