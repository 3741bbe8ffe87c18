package org.openpcs.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.agent.SlurmLab;
import org.openpcs.agent.StubPcsServer;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.BundledCatalog;
import org.openpcs.provider.Instance;
import org.openpcs.provider.LaunchRequest;

/**
 * LocalProvider with the real in-process agent against a real configless slurmctld: a launched
 * instance becomes a Slurm node that runs a job, outlives a provider restart (close, reopen,
 * adoptAll) and is stopped by terminate.
 */
class LocalProviderIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  SlurmLab lab;
  StubPcsServer server;
  Path data;
  final List<LocalProvider> providers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(SlurmLab.slurmInstalled(), "needs Slurm 22.05, munge and root");
    lab = new SlurmLab();
    server = new StubPcsServer();
    lab.start();
    server.registerAs("n1", "127.0.0.1", lab.ctldPort, lab.mungeKey());
    data = lab.dir.resolve("data");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (!providers.isEmpty()) {
        LocalProvider last = providers.get(providers.size() - 1);
        last.terminate(
            last.describe(Map.of()).stream()
                .filter(i -> !i.terminated())
                .map(Instance::instanceId)
                .toList());
      }
      for (LocalProvider p : providers) {
        p.close();
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

  LocalProvider open() {
    LocalProvider p =
        new LocalProvider(
            data.resolve("instances"),
            new BundledCatalog(),
            new LaunchTemplates(data.resolve("launch-templates")),
            new NodeImages(data.resolve("node-images")),
            Clock.systemUTC(),
            AgentRunner.inProcess(),
            new LocalProvider.Options(
                Duration.ofMillis(300),
                Duration.ofHours(1),
                16,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                Duration.ofSeconds(30)));
    providers.add(p);
    return p;
  }

  Bootstrap bootstrap() {
    return new Bootstrap(
        server.endpoint(),
        "us-east-1",
        "AKIDNODE",
        "node-secret",
        "pcs_providerit",
        "boot-1",
        false);
  }

  LaunchRequest request(String templateId) {
    return new LaunchRequest(
        "token-1",
        "t3.micro",
        "ONDEMAND",
        templateId,
        "1",
        null,
        Map.of("aws:pcs:cluster-id", "pcs_providerit", "openpcs:node-name", "n1"),
        bootstrap());
  }

  void awaitIdle() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!lab.nodeState("n1").startsWith("IDLE")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "n1 is " + lab.nodeState("n1") + "\n" + lab.tail("log/slurmctld.log"));
      }
      Thread.sleep(200);
    }
  }

  long slurmdPid(LocalProvider p, String id) throws Exception {
    JsonNode s =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(p.instanceDir(id).resolve("agent-state.json").toFile());
    return s.path("slurmdPid").asLong();
  }

  static boolean alive(long pid) {
    String state = SlurmLab.processState(pid);
    return !state.isEmpty() && !state.startsWith("Z");
  }

  @Test
  void anInstanceIsARealNodeThatSurvivesAProviderRestart() throws Exception {
    LocalProvider first = open();
    LaunchTemplates.Template t =
        first
            .templates()
            .create(
                "it",
                "echo template says $WHO > \"$OPENPCS_INSTANCE_DIR/hello.txt\"\n",
                Map.of("WHO", "hi"));
    Instance i = first.launch(request(t.id()));
    server.awaitState("RUNNING", WAIT);
    awaitIdle();
    assertThat(Files.readString(first.instanceDir(i.instanceId()).resolve("hello.txt")))
        .contains("template says hi");
    SlurmLab.Result job = lab.slurm(List.of("srun", "-w", "n1", "-t", "1", "hostname"), WAIT);
    assertThat(job.rc()).as(job.out()).isZero();
    assertThat(first.describe(Map.of("openpcs:node-name", "n1")))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.state()).isEqualTo("RUNNING");
              assertThat(x.stateReason()).isNull();
            });
    long slurmd = slurmdPid(first, i.instanceId());
    assertThat(alive(slurmd)).isTrue();

    // "server restart": the provider lets go, the node keeps running
    first.close();
    int afterClose = server.heartbeats.size();
    Thread.sleep(1000);
    assertThat(server.heartbeats.size()).isLessThanOrEqualTo(afterClose + 1);
    assertThat(alive(slurmd)).isTrue();
    assertThat(lab.nodeState("n1")).startsWith("IDLE");

    LocalProvider second = open();
    assertThat(second.describe(Map.of()))
        .extracting(Instance::instanceId)
        .containsExactly(i.instanceId());
    int before = server.heartbeats.size();
    assertThat(second.adoptAll(inst -> bootstrap()))
        .extracting(Instance::instanceId)
        .containsExactly(i.instanceId());
    JsonNode hb =
        server.awaitHeartbeatAfter(before, h -> "RUNNING".equals(h.path("state").asText()), WAIT);
    assertThat(hb.path("instanceId").asText()).isEqualTo(i.instanceId());
    assertThat(server.registerCalls.get()).isEqualTo(1);
    assertThat(second.launch(request(t.id())).instanceId()).isEqualTo(i.instanceId());

    // terminate stops slurmd and munged
    int beforeTerminate = server.heartbeats.size();
    second.terminate(List.of(i.instanceId()));
    assertThat(alive(slurmd)).isFalse();
    assertThat(second.describe(Map.of()))
        .singleElement()
        .satisfies(x -> assertThat(x.terminated()).isTrue());
    server.awaitHeartbeatAfter(
        beforeTerminate, h -> "STOPPED".equals(h.path("state").asText()), WAIT);
    assertThat(lab.leftovers()).doesNotContain(slurmd);
  }

  @Test
  void aFailingBootstrapScriptShowsInTheInstancesStateReason() throws Exception {
    LocalProvider p = open();
    LaunchTemplates.Template t =
        p.templates().create("bad", "echo cannot mount /shared\nexit 4\n", Map.of());
    Instance i = p.launch(request(t.id()));
    JsonNode failed = server.awaitState("BOOTSTRAP_FAILED", WAIT);
    assertThat(failed.path("message").asText())
        .contains("exited with code 4")
        .contains("cannot mount /shared");
    assertThat(p.describe(Map.of()))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.instanceId()).isEqualTo(i.instanceId());
              assertThat(x.state()).isEqualTo("RUNNING");
              assertThat(x.stateReason())
                  .startsWith("agent: BOOTSTRAP_FAILED: the bootstrap script exited with code 4");
            });
  }
}
