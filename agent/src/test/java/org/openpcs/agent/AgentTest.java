package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a stub server. Login-node tests run no daemon; the slurmd tests use the real
 * munged and a fake slurmd. Every test also checks that no secret reached a log.
 */
class AgentTest {
  static final String SECRET_ACCESS_KEY = "node-secret-access-key-0123456789abcdef";
  static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path tmp;
  StubPcsServer server;
  LogCapture logs;
  byte[] mungeKey;
  String mungeKeyBase64;
  final List<Agent> agents = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    // munged wants o+x on every directory above its socket; JUnit's temp dirs are 0700
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    logs = new LogCapture();
    server = new StubPcsServer();
    mungeKey = new byte[1024];
    new SecureRandom().nextBytes(mungeKey);
    mungeKeyBase64 = Base64.getEncoder().encodeToString(mungeKey);
    server.registerAs("compute-3", "127.0.0.1", 6817, mungeKey);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Agent a : agents) {
      a.close();
      a.awaitFinalReport(WAIT);
    }
    server.close();
    List<String> lines = logs.lines();
    logs.close();
    for (String line : lines) {
      assertThat(line)
          .doesNotContain(mungeKeyBase64)
          .doesNotContain(mungeKeyBase64.substring(0, 24))
          .doesNotContain(SECRET_ACCESS_KEY);
    }
  }

  AgentConfig config(String script, boolean login) {
    return new AgentConfig(
            server.endpoint(),
            "us-east-1",
            "AKIDNODE",
            SECRET_ACCESS_KEY,
            "pcs_abcdefghij",
            "boot-123",
            "i-0123456789abcdef0",
            tmp.resolve("inst"),
            script,
            Map.of("FOO", "bar baz"),
            login,
            Duration.ofMillis(200))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofSeconds(10));
  }

  Agent agent(AgentConfig c) {
    Agent a = new Agent(c);
    agents.add(a);
    return a;
  }

  @Test
  void loginNodeRunsTheBootstrapScriptAndReportsRunning() throws Exception {
    String script =
        """
        echo "hello from bootstrap"
        echo "node=$OPENPCS_NODE_NAME cluster=$OPENPCS_CLUSTER_ID instance=$OPENPCS_INSTANCE_ID"
        echo "dir=$OPENPCS_INSTANCE_DIR foo=$FOO"
        env
        """;
    Agent a = agent(config(script, true));
    a.start();

    assertThat(a.state()).isEqualTo(AgentState.RUNNING);
    assertThat(a.nodeName()).isEqualTo("compute-3");
    assertThat(a.slurmdPid()).isEmpty();
    assertThat(a.mungedPid()).isEmpty();
    JsonNode running = server.awaitState("RUNNING", WAIT);
    assertThat(running.path("nodeName").asText()).isEqualTo("compute-3");
    assertThat(running.path("instanceId").asText()).isEqualTo("i-0123456789abcdef0");
    assertThat(running.path("bootstrapId").asText()).isEqualTo("boot-123");
    assertThat(running.path("clusterIdentifier").asText()).isEqualTo("pcs_abcdefghij");
    assertThat(server.heartbeatStates()).startsWith("BOOTSTRAPPING");
    assertThat(server.registrations).hasSize(1);
    assertThat(server.registrations.get(0).path("bootstrapId").asText()).isEqualTo("boot-123");
    assertThat(server.authorizations)
        .allMatch(h -> h.startsWith("AWS4-HMAC-SHA256 Credential=AKIDNODE/"));

    Path inst = tmp.resolve("inst");
    String out = Files.readString(inst.resolve("log/bootstrap.log"));
    assertThat(out)
        .contains("hello from bootstrap")
        .contains("node=compute-3 cluster=pcs_abcdefghij instance=i-0123456789abcdef0")
        .contains("dir=" + inst + " foo=bar baz")
        .doesNotContain(SECRET_ACCESS_KEY)
        .doesNotContain(mungeKeyBase64.substring(0, 24));
    Path key = inst.resolve("munge/munge.key");
    assertThat(Files.readAllBytes(key)).isEqualTo(mungeKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("r--------");
    String state = Files.readString(inst.resolve("agent-state.json"));
    assertThat(state)
        .contains("compute-3")
        .contains("RUNNING")
        .doesNotContain(mungeKeyBase64.substring(0, 24));
    assertThat(state).doesNotContain(SECRET_ACCESS_KEY);

    // heartbeats keep coming
    int n = server.heartbeats.size();
    server.awaitHeartbeat(h -> server.heartbeats.size() > n + 2, WAIT);

    a.close();
    a.awaitFinalReport(WAIT);
    server.awaitState("STOPPED", WAIT);
    assertThat(a.state()).isEqualTo(AgentState.STOPPED);
    assertThat(key).doesNotExist();
  }

  @Test
  void failingBootstrapScriptIsReportedWithExitCodeAndOutput() throws Exception {
    Agent a = agent(config("echo step one\necho 'it went boom' >&2\nexit 3\n", false));

    assertThatThrownBy(a::start)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("it went boom");

    JsonNode failed = server.awaitState("BOOTSTRAP_FAILED", WAIT);
    assertThat(failed.path("message").asText())
        .contains("exited with code 3")
        .contains("step one")
        .contains("it went boom");
    assertThat(failed.path("nodeName").asText()).isEqualTo("compute-3");
    assertThat(a.state()).isEqualTo(AgentState.BOOTSTRAP_FAILED);
    assertThat(a.mungedPid()).isEmpty(); // stopped before any daemon
    assertThat(a.awaitStopped(Duration.ZERO.plusMillis(1))).isEqualTo(AgentState.BOOTSTRAP_FAILED);
    assertThat(tmp.resolve("inst/munge/munge.key")).doesNotExist();
    a.close();
    a.awaitFinalReport(WAIT);
    assertThat(server.heartbeatStates()).doesNotContain("STOPPED", "RUNNING");
  }

  @Test
  void bootstrapScriptTimeoutIsAFailure() throws Exception {
    Agent a =
        agent(
            config("echo waiting; sleep 30\n", true)
                .withTimeouts(null, Duration.ofSeconds(1), null));
    long t0 = System.nanoTime();
    assertThatThrownBy(a::start)
        .hasMessageContaining("did not finish within 1 s")
        .hasMessageContaining("waiting");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    server.awaitState("BOOTSTRAP_FAILED", WAIT);
  }

  @Test
  void refusedRegistrationIsNotRetried() throws Exception {
    server.registerAnswer =
        n -> StubPcsServer.Answer.error(403, "AccessDeniedException", "bootstrap id already used");
    Agent a = agent(config(null, true).withTimeouts(Duration.ofSeconds(30), null, null));
    long t0 = System.nanoTime();
    assertThatThrownBy(a::start)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining(
            "registration refused: AccessDeniedException: bootstrap id already used");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(server.registerCalls.get()).isEqualTo(1);
    assertThat(a.state()).isEqualTo(AgentState.BOOTSTRAP_FAILED);
    JsonNode failed = server.awaitState("BOOTSTRAP_FAILED", WAIT);
    assertThat(failed.has("nodeName")).isFalse();
    assertThat(failed.path("message").asText()).contains("AccessDeniedException");
  }

  @Test
  void throttlingAndServerErrorsAreRetried() throws Exception {
    byte[] key = mungeKey;
    server.registerAs("compute-9", "127.0.0.1", 6817, key);
    var success = server.registerAnswer;
    server.registerAnswer =
        n ->
            switch (n) {
              case 1 -> StubPcsServer.Answer.error(400, "ThrottlingException", "slow down");
              case 2 -> StubPcsServer.Answer.error(500, "InternalServerException", "oops");
              default -> success.apply(n);
            };
    Agent a = agent(config(null, true).withTimeouts(Duration.ofSeconds(20), null, null));
    a.start();
    assertThat(a.nodeName()).isEqualTo("compute-9");
    assertThat(server.registerCalls.get()).isEqualTo(3);
  }

  @Test
  void registrationGivesUpAfterItsTimeout() throws Exception {
    server.registerAnswer =
        n -> StubPcsServer.Answer.error(503, "ServiceUnavailableException", "down");
    Agent a = agent(config(null, true).withTimeouts(Duration.ofSeconds(2), null, null));
    long t0 = System.nanoTime();
    assertThatThrownBy(a::start).hasMessageContaining("registration did not succeed within 2 s");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
    assertThat(server.registerCalls.get()).isGreaterThan(1);
  }

  @Test
  void unusableRegistrationAnswersAreFailures() throws Exception {
    server.registerAs("compute-1", "127.0.0.1", 6817, new byte[8]);
    Agent a = agent(config(null, true));
    assertThatThrownBy(a::start).hasMessageContaining("shorter than munge's minimum");
    server.registerAnswer =
        n ->
            StubPcsServer.Answer.ok(
                "{\"nodeID\":\"x; rm -rf /\",\"sharedSecret\":\""
                    + mungeKeyBase64
                    + "\",\"endpoints\":[]}");
    Agent b = agent(config(null, true));
    assertThatThrownBy(b::start).hasMessageContaining("no usable nodeID");
  }

  @Test
  void serverSaysStop() throws Exception {
    server.heartbeatAction = "STOP";
    Agent a = agent(config(null, true));
    try {
      a.start();
    } catch (AgentException e) {
      // STOP may arrive with the first (BOOTSTRAPPING) heartbeat, before start() returns
      assertThat(e).hasMessageContaining("stopped while starting");
    }
    assertThat(a.awaitStopped(WAIT)).isEqualTo(AgentState.STOPPED);
    a.awaitFinalReport(WAIT);
    server.awaitState("STOPPED", WAIT);
  }

  @Test
  void closeDuringTheBootstrapStopsIt() throws Exception {
    Agent a = agent(config("echo $$ > " + tmp.resolve("script.pid") + "; sleep 60\n", true));
    CompletableFuture<Throwable> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                a.start();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    server.awaitState("BOOTSTRAPPING", WAIT);
    Path pidFile = tmp.resolve("script.pid");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long scriptPid = Long.parseLong(Files.readString(pidFile).strip());
    a.close();
    Throwable t = result.get();
    assertThat(t).isInstanceOf(AgentException.class).hasMessageContaining("stopped while starting");
    assertThat(a.state()).isEqualTo(AgentState.STOPPED);
    a.awaitFinalReport(WAIT);
    server.awaitState("STOPPED", WAIT);
    assertThat(ProcessHandle.of(scriptPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  /**
   * A non-login node with a fake slurmd that prints what it sees and exits: the real munged starts
   * with the registered key, slurmd runs detached in the private mount namespace with the node's
   * munge socket as the default one, and its failure is reported with its output.
   */
  @Test
  void slurmdThatDoesNotComeUpIsReportedAndMungedIsStopped() throws Exception {
    Path sbin = Files.createDirectories(tmp.resolve("fake-sbin"));
    Path fake = sbin.resolve("slurmd");
    Files.writeString(
        fake,
        """
        #!/bin/bash
        echo "fake slurmd args: $*"
        echo "default socket -> $(readlink /run/munge/munge.socket.2)"
        echo "session $(ps -o sid= -p $$ | tr -d ' ') pid $$"
        grep -E '^Sig(Blk|Ign)' /proc/self/status | tr '\\t' ' '
        test -e /run/lock && echo "host /run entries still visible"
        exit 7
        """,
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    AgentConfig c = config(null, false).withInstallation(sbin, null);
    Agent a = agent(c);

    assertThatThrownBy(a::start)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("slurmd exited with code 7");
    String out = Files.readString(tmp.resolve("inst/log/slurmd.out"));
    Path socket = tmp.resolve("inst/munge/munge.socket");
    assertThat(out)
        .contains("fake slurmd args: -D -b --conf-server 127.0.0.1:6817 -N compute-3")
        .contains("default socket -> " + socket)
        .contains("host /run entries still visible");
    // what a program exec'd there inherits: neither SIGTERM, SIGHUP nor SIGINT blocked or ignored
    // (glibc's reserved signals 32/33 cannot be reset; they do not matter)
    long termHupInt = (1L << 14) | 1L | (1L << 1);
    for (String mask : List.of("SigBlk", "SigIgn")) {
      long bits = Long.parseLong(out.replaceAll("(?s).*" + mask + ": ([0-9a-f]+).*", "$1"), 16);
      assertThat(bits & termHupInt).as(mask).isZero();
    }
    String pid = out.replaceAll("(?s).*session (\\d+) pid (\\d+).*", "$1 $2");
    String[] ids = pid.split(" ");
    assertThat(ids[0]).isEqualTo(ids[1]); // a session leader
    JsonNode failed = server.awaitState("BOOTSTRAP_FAILED", WAIT);
    assertThat(failed.path("message").asText())
        .contains("slurmd exited with code 7")
        .contains("fake slurmd args");
    assertThat(a.mungedPid()).isPresent();
    long munged = a.mungedPid().getAsLong();
    assertThat(Daemon.stat(munged).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(tmp.resolve("inst/munge/munge.key")).doesNotExist();
    // our host /run was not touched
    assertThat(Path.of("/run/munge/munge.socket.2")).doesNotExist();
  }

  @Test
  void adoptingAFailedNodeReportsItAgain() throws Exception {
    Agent a = agent(config("exit 5\n", true));
    assertThatThrownBy(a::start).hasMessageContaining("code 5");
    a.awaitFinalReport(WAIT);
    int before = server.heartbeats.size();
    Agent b = Agent.adopt(config(null, true));
    agents.add(b);
    b.awaitFinalReport(WAIT);
    assertThat(b.state()).isEqualTo(AgentState.BOOTSTRAP_FAILED);
    assertThat(b.nodeName()).isEqualTo("compute-3");
    assertThat(server.heartbeats.subList(before, server.heartbeats.size()))
        .extracting(h -> h.path("state").asText())
        .containsExactly("BOOTSTRAP_FAILED");
    assertThat(server.registerCalls.get()).isEqualTo(1);
  }

  @Test
  void mungeSocketMovesWhenMungedWouldRefuseIt() throws IOException {
    Path ok = tmp.resolve("a");
    assertThat(new NodePaths(ok).defaultMungeSocket()).isEqualTo(ok.resolve("munge/munge.socket"));
    Path closed = Files.createDirectories(tmp.resolve("closed/inst"));
    Files.setPosixFilePermissions(
        tmp.resolve("closed"), PosixFilePermissions.fromString("rwx------"));
    Path moved = new NodePaths(closed).defaultMungeSocket();
    assertThat(moved.toString()).startsWith("/tmp/openpcs-munge-").endsWith("/munge.socket");
    Path deep = tmp.resolve("x".repeat(120));
    assertThat(new NodePaths(deep).defaultMungeSocket().toString())
        .startsWith("/tmp/openpcs-munge-");
    assertThat(new NodePaths(deep).defaultMungeSocket()).isNotEqualTo(moved);
  }

  /** What an agent that died mid-boot (e.g. with the server running it) left behind. */
  private void leaveInterruptedBoot(boolean scriptDone) throws IOException {
    Path inst = tmp.resolve("inst");
    Files.createDirectories(inst.resolve("munge"));
    Files.createDirectories(inst.resolve("log"));
    Files.write(inst.resolve("munge/munge.key"), mungeKey);
    if (scriptDone) {
      Files.writeString(inst.resolve("bootstrap.done"), "earlier\n");
    }
    new StateFile(
            1,
            "i-0123456789abcdef0",
            "pcs_abcdefghij",
            "boot-123",
            "compute-3",
            "127.0.0.1:6817",
            true,
            "BOOTSTRAPPING",
            null,
            null,
            null,
            null,
            null,
            null,
            "2026-01-01T00:00:00Z")
        .write(inst);
  }

  @Test
  void adoptingAnInterruptedBootFinishesItWithoutRegisteringAgain() throws Exception {
    leaveInterruptedBoot(false);
    Agent b = Agent.adopt(config("echo resumed-script-ran\n", true));
    agents.add(b);

    server.awaitState("RUNNING", WAIT);
    assertThat(b.state()).isEqualTo(AgentState.RUNNING);
    assertThat(b.nodeName()).isEqualTo("compute-3");
    assertThat(server.registerCalls.get()).isZero();
    assertThat(server.heartbeatStates()).doesNotContain("BOOTSTRAP_FAILED");
    assertThat(Files.readString(tmp.resolve("inst/log/bootstrap.log")))
        .contains("resumed-script-ran");
  }

  @Test
  void aResumedBootDoesNotRunASucceededScriptAgain() throws Exception {
    leaveInterruptedBoot(true);
    Agent b = Agent.adopt(config("echo must-not-run > ran-again\n", true));
    agents.add(b);

    server.awaitState("RUNNING", WAIT);
    assertThat(tmp.resolve("inst/ran-again")).doesNotExist();
    assertThat(server.registerCalls.get()).isZero();
  }

  @Test
  void aResumedBootWhoseKeyIsMissingFails() throws Exception {
    leaveInterruptedBoot(false);
    Files.delete(tmp.resolve("inst/munge/munge.key"));
    Agent b = Agent.adopt(config(null, true));
    agents.add(b);

    JsonNode failed = server.awaitState("BOOTSTRAP_FAILED", WAIT);
    assertThat(failed.path("message").asText()).contains("cannot be resumed");
    assertThat(b.awaitStopped(WAIT)).isEqualTo(AgentState.BOOTSTRAP_FAILED);
  }

  @Test
  void adoptingWithoutStateFails() {
    assertThatThrownBy(() -> Agent.adopt(config(null, true)))
        .hasMessageContaining("nothing to adopt");
  }

  @Test
  void configJsonRoundTrip() throws Exception {
    AgentConfig c = config("echo hi", false);
    Path f = tmp.resolve("agent.json");
    Files.writeString(f, AgentConfigJson.write(c, true).toPrettyString());
    AgentConfig back = AgentConfigJson.read(f);
    assertThat(back).isEqualTo(c);
    assertThat(AgentConfigJson.write(c, false).has("secretAccessKey")).isFalse();
    assertThat(c.toString()).doesNotContain(SECRET_ACCESS_KEY);
    Files.writeString(
        f,
        "{\"endpoint\":\"http://h:1\",\"region\":\"r\",\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\","
            + "\"clusterId\":\"c\",\"bootstrapId\":\"b\",\"instanceId\":\"i\",\"instanceDir\":\"node\","
            + "\"heartbeatInterval\":5}");
    AgentConfig rel = AgentConfigJson.read(f);
    assertThat(rel.instanceDir()).isEqualTo(tmp.resolve("node"));
    assertThat(rel.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(rel.startTimeout()).isEqualTo(AgentConfig.DEFAULT_START_TIMEOUT);
  }
}
