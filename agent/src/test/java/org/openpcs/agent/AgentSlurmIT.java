package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent against a real configless slurmctld: the slurmd it starts fetches its config through
 * the node's own munged (via the private mount namespace), registers, runs a job, is detached from
 * this JVM, can be adopted, and is stopped cleanly.
 */
class AgentSlurmIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  SlurmLab lab;
  StubPcsServer server;
  final List<Agent> agents = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(SlurmLab.slurmInstalled(), "needs Slurm 22.05, munge and root");
    lab = new SlurmLab();
    server = new StubPcsServer();
    lab.start();
    server.registerAs("n1", "127.0.0.1", lab.ctldPort, lab.mungeKey());
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (Agent a : agents) {
        a.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (lab != null) {
        lab.close();
        assertThat(lab.leftovers()).as("processes left running").isEmpty();
      }
    }
  }

  AgentConfig config() {
    return new AgentConfig(
            server.endpoint(),
            "us-east-1",
            "AKIDNODE",
            "node-secret",
            "pcs_agentitxx",
            "boot-1",
            "i-00000000000000001",
            lab.dir.resolve("instances/i-00000000000000001"),
            "echo bootstrapped on $OPENPCS_NODE_NAME\n",
            Map.of(),
            false,
            Duration.ofMillis(300))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30));
  }

  Agent startNode() throws Exception {
    Agent a = new Agent(config());
    agents.add(a);
    a.start();
    assertThat(a.state()).isEqualTo(AgentState.RUNNING);
    awaitNodeState("IDLE");
    return a;
  }

  void awaitNodeState(String prefix) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String st = "";
    while (System.nanoTime() < deadline) {
      st = lab.nodeState("n1");
      if (st.startsWith(prefix)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "node n1 is "
            + st
            + ", not "
            + prefix
            + "\nslurmctld: "
            + lab.tail("log/slurmctld.log")
            + "\nslurmd: "
            + lab.tail("log/slurmd-n1.log"));
  }

  @Test
  void configlessSlurmdRegistersRunsAJobAndStopsCleanly() throws Exception {
    Agent a = startNode();
    long slurmd = a.slurmdPid().orElseThrow();
    long munged = a.mungedPid().orElseThrow();

    // a job runs on the node
    SlurmLab.Result job =
        lab.slurm(List.of("srun", "-w", "n1", "-t", "1", "hostname"), Duration.ofSeconds(60));
    assertThat(job.rc()).as(job.out()).isZero();
    assertThat(job.out().strip()).isEqualTo(lab.hostname);

    // the heartbeats say RUNNING, healthy
    JsonNode hb = server.awaitState("RUNNING", WAIT);
    assertThat(hb.path("nodeName").asText()).isEqualTo("n1");
    assertThat(hb.has("message")).isFalse();
    assertThat(Files.readString(a.config().instanceDir().resolve("log/bootstrap.log")))
        .contains("bootstrapped on n1");

    // slurmd does not depend on this JVM: own session and process group, own mount namespace,
    // no blocked or ignored SIGTERM, stdin /dev/null, output to the instance log
    long jvm = ProcessHandle.current().pid();
    assertThat(Daemon.sessionId(slurmd)).contains(slurmd);
    assertThat(Daemon.sessionId(slurmd)).isNotEqualTo(Daemon.sessionId(jvm));
    assertThat(Daemon.stat(slurmd).orElseThrow()[2]).isEqualTo(Long.toString(slurmd)); // pgid
    Map<String, String> status = SlurmLab.procStatus(slurmd);
    long blocked = Long.parseLong(status.get("SigBlk"), 16);
    long ignored = Long.parseLong(status.get("SigIgn"), 16);
    long sigterm = 1L << (15 - 1);
    long sighup = 1L << (1 - 1);
    assertThat(blocked & (sigterm | sighup)).isZero();
    assertThat(ignored & (sigterm | sighup)).isZero();
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + slurmd + "/fd/0")))
        .isEqualTo(Path.of("/dev/null"));
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + slurmd + "/fd/1")))
        .isEqualTo(a.config().instanceDir().resolve("log/slurmd.out"));
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + slurmd + "/ns/mnt")))
        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
    // inside, the default munge socket is the node's own
    assertThat(
            Files.readSymbolicLink(Path.of("/proc/" + slurmd + "/root/run/munge/munge.socket.2")))
        .isEqualTo(a.config().instanceDir().resolve("munge/munge.socket"));
    // and every other host entry of /run is there, seen from inside (jobs need /run/user, …)
    List<String> seen =
        inside(slurmd, "for e in /run/*; do echo \"${e#/run/}\"; done").lines().toList();
    try (var host = Files.list(Path.of("/run"))) {
      assertThat(seen)
          .containsAll(
              host.map(e -> e.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
    }
    String missing = inside(slurmd, "for e in /run/*; do [ -e \"$e\" ] || echo \"$e\"; done");
    assertThat(missing).as("entries whose target is not there inside").isEmpty();
    assertThat(Daemon.sessionId(munged)).contains(munged);
    // the host's /run is untouched
    assertThat(Path.of("/run/munge/munge.socket.2")).doesNotExist();

    // close(): slurmd and munged stop, the key goes, STOPPED is reported
    a.close();
    assertThat(Daemon.stat(slurmd).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(Daemon.stat(munged).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(a.config().instanceDir().resolve("munge/munge.key")).doesNotExist();
    assertThat(a.awaitFinalReport(WAIT)).isTrue();
    server.awaitState("STOPPED", WAIT);
    assertThat(lab.leftovers()).doesNotContain(slurmd, munged);
  }

  /** The output of a shell command run in a process's mount namespace. */
  private static String inside(long pid, String script) throws Exception {
    Process p =
        new ProcessBuilder("nsenter", "--mount", "--target", Long.toString(pid), "sh", "-c", script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void adoptionResumesHeartbeatsWithoutRegisteringAndReportsADeadSlurmd() throws Exception {
    Agent first = startNode();
    long slurmd = first.slurmdPid().orElseThrow();

    // the "server" goes away: heartbeats stop, the node keeps running
    first.detach();
    assertThat(first.slurmdAlive()).isTrue();
    assertThat(lab.nodeState("n1")).startsWith("IDLE");

    // a new agent adopts it (new endpoint credentials are fine)
    int before = server.heartbeats.size();
    Agent adopted =
        Agent.adopt(config().withEndpoint(server.endpoint(), "us-east-1", "AKID2", "s2"));
    agents.add(adopted);
    assertThat(adopted.state()).isEqualTo(AgentState.RUNNING);
    assertThat(adopted.nodeName()).isEqualTo("n1");
    assertThat(adopted.slurmdPid()).hasValue(slurmd);
    JsonNode hb =
        server.awaitHeartbeatAfter(before, h -> "RUNNING".equals(h.path("state").asText()), WAIT);
    assertThat(hb.has("message")).isFalse();
    assertThat(server.registerCalls.get()).isEqualTo(1);

    // slurmd dies behind the agent's back: the heartbeats say so
    ProcessHandle.of(slurmd).orElseThrow().destroyForcibly();
    JsonNode sick =
        server.awaitHeartbeat(
            h -> h.path("message").asText().startsWith("slurmd is not running"), WAIT);
    assertThat(sick.path("state").asText()).isEqualTo("RUNNING");

    // closing the adopted agent stops munged (not its child) and reports STOPPED
    long munged = adopted.mungedPid().orElseThrow();
    int beforeClose = server.heartbeats.size();
    adopted.close();
    assertThat(Daemon.stat(munged).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(adopted.awaitFinalReport(WAIT)).isTrue();
    JsonNode stopped =
        server.awaitHeartbeatAfter(
            beforeClose, h -> "STOPPED".equals(h.path("state").asText()), WAIT);
    assertThat(stopped.path("nodeName").asText()).isEqualTo("n1");
  }

  @Test
  void stopRecordedStopsAnAbandonedNode() throws Exception {
    Agent first = startNode();
    long slurmd = first.slurmdPid().orElseThrow();
    long munged = first.mungedPid().orElseThrow();
    first.detach();
    assertThat(RecordedAgent.stop(first.config().instanceDir())).isTrue();
    assertThat(Daemon.stat(slurmd).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(Daemon.stat(munged).map(f -> f[0]).orElse("gone")).isIn("gone", "Z");
    assertThat(Files.readString(first.config().instanceDir().resolve("agent-state.json")))
        .contains("STOPPED");
    assertThat(RecordedAgent.stop(first.config().instanceDir())).isFalse();
  }
}
