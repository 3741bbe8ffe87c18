package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.agent.AgentState;
import org.openpcs.agent.RecordedAgent;
import org.openpcs.domain.NodeInstance;
import org.openpcs.provider.Instance;
import org.openpcs.store.jdbc.JdbcStore;

/**
 * A node group that no queue uses is a login fleet: its static instances run the agent (registered,
 * heartbeating, RUNNING) but no slurmd, and Slurm has no node for them. When a queue starts using
 * the group its instance is replaced by a compute instance whose node becomes idle in Slurm; when
 * the queue is deleted the group goes back to a login instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginFleetIT {
  private static final String GROUP_TAG = "aws:pcs:compute-node-group-id";
  private static final String ROLE_TAG = "openpcs:role";
  private SlurmHarness h;
  private JdbcStore store;

  @BeforeAll
  void start() {
    h = new SlurmHarness();
    // The embedded H2 database is shared within this JVM: a second pool reads what the server
    // recorded (node instances with their heartbeats), without going through the server.
    store = JdbcStore.open(JdbcStore.h2FileUrl(h.dataDir), null, null);
  }

  @AfterAll
  void stop() {
    store.close();
    h.close();
    assertThat(ProcessScan.describe(h.processesUsingDataDir())).isEmpty();
  }

  @Test
  void aGroupInNoQueueRunsAgentsWithoutSlurmdUntilAQueueUsesIt() {
    String c = h.createCluster("login-fleet");
    String g = h.createGroup(c, "login", 1, 1);

    // --- a login instance: agent RUNNING and heartbeating, no slurmd, no Slurm node
    Instance login = awaitSingleLive(g, "login");
    assertLoginNode(c, g, login);

    // --- a queue starts using the group: the instance is replaced by a compute instance
    String q = h.createQueue(c, "work", g);
    Instance compute = awaitSingleLive(g, "compute");
    assertThat(compute.instanceId()).isNotEqualTo(login.instanceId());
    assertThat(terminated(g, login.instanceId())).as("the login instance is terminated").isTrue();
    h.awaitNodesUp(c, "login-1");
    assertThat(slurmds().size()).as("one slurmd, for the compute instance").isEqualTo(1);
    assertThat(daemonsOf(compute)).anyMatch(cmd -> cmd.contains("slurmd"));
    Path out = h.dataDir.resolve("on-login-1.out");
    long job =
        h.sbatch(c, "-p", "work", "-o", out.toString(), "--wrap", "echo on $SLURMD_NODENAME");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(30));
    assertThat(read(out)).isEqualTo("on login-1");

    // --- the queue goes: back to a login instance, and Slurm forgets the node
    h.pcs.deleteQueue(r -> r.clusterIdentifier(c).queueIdentifier(q));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> h.pcs.listQueues(r -> r.clusterIdentifier(c)).queues().isEmpty(),
        () -> "queue work gone");
    Instance again = awaitSingleLive(g, "login");
    assertThat(again.instanceId()).isNotIn(login.instanceId(), compute.instanceId());
    assertThat(terminated(g, compute.instanceId()))
        .as("the compute instance is terminated")
        .isTrue();
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> slurmds().size() == 0,
        () -> "the compute instance's slurmd stopped: " + ProcessScan.describe(slurmds()));
    assertLoginNode(c, g, again);
  }

  /** The instance's agent runs and heartbeats as a login node, and Slurm knows nothing of it. */
  private void assertLoginNode(String c, String g, Instance instance) {
    Path dir = h.server.provider().instanceDir(instance.instanceId());
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> RecordedAgent.read(dir).map(a -> a.state() == AgentState.RUNNING).orElse(false),
        () -> "agent of " + instance.instanceId() + " RUNNING: " + RecordedAgent.read(dir));
    assertThat(RecordedAgent.read(dir).orElseThrow().nodeName()).isEqualTo("login-1");

    // The server sees it RUNNING, and its heartbeat time moves on (the agents beat every 10 s).
    SlurmHarness.await(
        Duration.ofSeconds(20),
        () -> record(c, instance).map(ni -> ni.state().equals("RUNNING")).orElse(false),
        () -> "server's record of " + instance.instanceId() + " RUNNING: " + record(c, instance));
    Instant first = record(c, instance).orElseThrow().lastHeartbeatAt();
    SlurmHarness.await(
        Duration.ofSeconds(25),
        () -> record(c, instance).orElseThrow().lastHeartbeatAt().isAfter(first),
        () -> "a heartbeat after " + first + ": " + record(c, instance));
    assertThat(record(c, instance).orElseThrow().state()).isEqualTo("RUNNING");

    assertThat(liveInstances(g)).as("exactly one instance").hasSize(1);
    assertThat(daemonsOf(instance))
        .as("no slurmd or munged for a login instance")
        .noneMatch(cmd -> cmd.contains("slurmd") || cmd.contains("munged"));
    assertThat(ProcessScan.slurmds(h.server.provider().instanceDir(instance.instanceId())))
        .isEmpty();
    assertThat(slurmds().size()).isZero();
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N")).doesNotContain("login-1");
    assertThat(h.run(c, "scontrol", "show", "node", "login-1").exit()).isNotZero();
    assertThat(read(h.slurmConf(c)))
        .doesNotContain("NodeName=login-"); // nor a shared login-[…] line
  }

  private Instance awaitSingleLive(String g, String role) {
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          List<Instance> live = liveInstances(g);
          return live.size() == 1 && role.equals(live.get(0).tags().get(ROLE_TAG));
        },
        () -> "a single " + role + " instance: " + h.server.provider().describe(groupTag(g)));
    return liveInstances(g).get(0);
  }

  private List<Instance> liveInstances(String g) {
    return h.server.provider().describe(groupTag(g)).stream().filter(i -> !i.terminated()).toList();
  }

  private boolean terminated(String g, String instanceId) {
    return h.server.provider().describe(groupTag(g)).stream()
        .anyMatch(i -> i.instanceId().equals(instanceId) && i.terminated());
  }

  private static Map<String, String> groupTag(String g) {
    return Map.of(GROUP_TAG, g);
  }

  private Optional<NodeInstance> record(String c, Instance instance) {
    return store.inTransaction(tx -> tx.nodeInstancesOf(c)).stream()
        .filter(ni -> instance.instanceId().equals(ni.instanceId()))
        .findFirst();
  }

  /** Command lines of the processes that use the instance's directory. */
  private List<String> daemonsOf(Instance instance) {
    return ProcessScan.describe(
        ProcessScan.using(h.server.provider().instanceDir(instance.instanceId())));
  }

  /** The slurmd processes of this harness, one per node. */
  private List<Long> slurmds() {
    return ProcessScan.slurmds(h.dataDir);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
