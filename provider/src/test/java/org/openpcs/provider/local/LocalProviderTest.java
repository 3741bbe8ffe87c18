package org.openpcs.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.agent.AgentConfig;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.BundledCatalog;
import org.openpcs.provider.Instance;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.openpcs.provider.MutableClock;

/** LocalProvider specifics: records, retention, runner calls, adoption, validation. */
class LocalProviderTest {
  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  RecordingRunner runner = new RecordingRunner();
  LaunchTemplates templates;
  NodeImages images;
  LocalProvider provider;

  /** Records what the provider asked of it. */
  static final class RecordingRunner implements AgentRunner {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<AgentConfig> configs = new CopyOnWriteArrayList<>();
    volatile RuntimeException failRun;

    /** When set, closing an agent waits for it (a slow stop). */
    volatile CountDownLatch closeGate;

    @Override
    public Handle run(AgentConfig config) {
      if (failRun != null) {
        throw failRun;
      }
      calls.add("run " + config.instanceId());
      configs.add(config);
      return handle(config);
    }

    @Override
    public Handle adopt(AgentConfig config) {
      calls.add("adopt " + config.instanceId());
      configs.add(config);
      return handle(config);
    }

    private Handle handle(AgentConfig config) {
      return new Handle() {
        @Override
        public void close() {
          calls.add("close " + config.instanceId());
          CountDownLatch gate = closeGate;
          if (gate != null) {
            try {
              gate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public void detach() {
          calls.add("detach " + config.instanceId());
        }
      };
    }
  }

  @BeforeEach
  void setUp() {
    templates = new LaunchTemplates(dir.resolve("launch-templates"));
    images = new NodeImages(dir.resolve("node-images"));
    provider = open();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  LocalProvider open() {
    return new LocalProvider(
        dir.resolve("instances"),
        new BundledCatalog(),
        templates,
        images,
        clock,
        runner,
        LocalProvider.Options.defaults()
            .withTerminatedRetention(Duration.ofMinutes(30))
            .withMaxInstances(4));
  }

  static Bootstrap bootstrap(boolean login) {
    return new Bootstrap(
        URI.create("http://127.0.0.1:8080"),
        "us-east-1",
        "AKIDNODE",
        "very-secret-key",
        "pcs_abcdefghij",
        "boot-1",
        login);
  }

  LaunchRequest request(String token, String template, String version, String image) {
    return new LaunchRequest(
        token, "c5.large", "SPOT", template, version, image, Map.of("k", "v"), bootstrap(false));
  }

  @Test
  void aRandomInterruptionRateDeliversNoticesToSpotInstancesOnly() {
    provider.close();
    provider =
        new LocalProvider(
            dir.resolve("instances"),
            new BundledCatalog(),
            templates,
            images,
            clock,
            runner,
            LocalProvider.Options.defaults().withSpotInterruptionRate(1e7));
    Instance spot = provider.launch(request("tok-spot", null, null, null));
    Instance onDemand =
        provider.launch(
            new LaunchRequest(
                "tok-od",
                "c5.large",
                "ONDEMAND",
                null,
                null,
                null,
                Map.of("k", "v"),
                bootstrap(false)));
    clock.advance(Duration.ofSeconds(1)); // at 10^7 per hour, a spot instance is surely picked

    Map<String, Instance> seen = new java.util.HashMap<>();
    provider.describe(Map.of()).forEach(i -> seen.put(i.instanceId(), i));
    assertThat(seen.get(spot.instanceId()).interruptionPending()).isTrue();
    assertThat(seen.get(onDemand.instanceId()).interruptionPending()).isFalse();

    clock.advance(LocalProvider.INTERRUPTION_NOTICE);
    provider.describe(Map.of()).forEach(i -> seen.put(i.instanceId(), i));
    assertThat(seen.get(spot.instanceId()).terminated()).as("reclaimed after the notice").isTrue();
    assertThat(seen.get(onDemand.instanceId()).terminated()).isFalse();
  }

  @Test
  void launchPersistsARecordWithoutSecretsAndRunsTheAgent() throws Exception {
    LaunchTemplates.Template t =
        templates.create("setup", "echo hello from $GREETING", Map.of("GREETING", "world"));
    Instance i = provider.launch(request("tok-1", t.id(), "1", null));

    assertThat(i.state()).isEqualTo("RUNNING");
    assertThat(i.privateIp()).isEqualTo("127.0.0.1");
    assertThat(i.launchedAt()).isEqualTo(clock.instant());
    Path d = provider.instanceDir(i.instanceId());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d)))
        .isEqualTo("rwxr-xr-x");
    Path json = d.resolve("instance.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(json)))
        .isEqualTo("rw-------");
    String record = Files.readString(json);
    assertThat(record)
        .contains(i.instanceId())
        .contains("tok-1")
        .contains("c5.large")
        .contains("SPOT")
        .contains(t.id())
        .contains(NodeImages.DEFAULT_ID)
        .contains("boot-1")
        .contains("AKIDNODE")
        .contains("2026-01-01T00:00:00Z")
        .doesNotContain("very-secret-key");

    assertThat(runner.calls).containsExactly("run " + i.instanceId());
    AgentConfig c = runner.configs.get(0);
    assertThat(c.instanceDir()).isEqualTo(d);
    assertThat(c.bootstrapScript()).isEqualTo("echo hello from $GREETING");
    assertThat(c.environment()).isEqualTo(Map.of("GREETING", "world"));
    assertThat(c.secretAccessKey()).isEqualTo("very-secret-key");
    assertThat(c.bootstrapId()).isEqualTo("boot-1");
    assertThat(c.clusterId()).isEqualTo("pcs_abcdefghij");
    assertThat(c.login()).isFalse();
    assertThat(c.slurmSbinDir()).isEqualTo(images.find(null).orElseThrow().slurmSbinDir());
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void defaultTemplateAndImageWhenNoneGiven() {
    provider.launch(request("t", null, null, null));
    AgentConfig c = runner.configs.get(0);
    assertThat(c.bootstrapScript()).isNull();
    assertThat(provider.launchTemplates()).containsEntry(LaunchTemplates.DEFAULT_ID, List.of("1"));
    assertThat(provider.images()).containsExactly(NodeImages.DEFAULT_ID);
  }

  @Test
  void unknownTemplatesVersionsAndImagesAreLaunchErrorsNamingTheKnownOnes() {
    assertThatThrownBy(() -> provider.launch(request("a", "lt-0123456789abcdef0", "1", null)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("unknown launch template lt-0123456789abcdef0")
        .hasMessageContaining(LaunchTemplates.DEFAULT_ID + " (versions 1)");
    assertThatThrownBy(() -> provider.launch(request("b", LaunchTemplates.DEFAULT_ID, "7", null)))
        .hasMessageContaining("version 7");
    assertThatThrownBy(() -> provider.launch(request("c", null, null, "ami-0123456789abcdef0")))
        .hasMessageContaining("unknown node image ami-0123456789abcdef0")
        .hasMessageContaining(NodeImages.DEFAULT_ID);
    assertThat(provider.describe(Map.of())).isEmpty();
    assertThat(runner.calls).isEmpty();
  }

  /**
   * A caller that asks to terminate an instance another caller is already terminating goes on only
   * once it is stopped: it may launch the node's next instance right after.
   */
  @Test
  void aSecondTerminateReturnsOnlyOnceTheFirstHasStoppedTheInstance() throws Exception {
    String id = provider.launch(request("t", null, null, null)).instanceId();
    runner.closeGate = new CountDownLatch(1);
    Thread first = Thread.ofVirtual().start(() -> provider.terminate(List.of(id)));
    while (!runner.calls.contains("close " + id)) {
      Thread.sleep(10);
    }
    Thread second = Thread.ofVirtual().start(() -> provider.terminate(List.of(id)));

    second.join(Duration.ofMillis(300));
    assertThat(second.isAlive()).as("returned while the instance was still stopping").isTrue();

    runner.closeGate.countDown();
    assertThat(second.join(Duration.ofSeconds(10))).isTrue();
    assertThat(first.join(Duration.ofSeconds(10))).isTrue();
    assertThat(provider.describe(Map.of()))
        .singleElement()
        .satisfies(i -> assertThat(i.terminated()).isTrue());
    assertThat(runner.calls).containsOnlyOnce("close " + id);
  }

  @Test
  void moreThanMaxInstancesIsLimitExceeded() {
    for (int k = 0; k < 4; k++) {
      provider.launch(request("t" + k, null, null, null));
    }
    assertThatThrownBy(() -> provider.launch(request("t4", null, null, null)))
        .isInstanceOfSatisfying(
            LaunchException.class, e -> assertThat(e.reason()).isEqualTo("LIMIT_EXCEEDED"));
    String first = provider.describe(Map.of()).get(0).instanceId();
    provider.terminate(List.of(first));
    provider.launch(request("t4", null, null, null));
  }

  @Test
  void anAgentThatCannotStartIsALaunchErrorAndATerminatedRecord() {
    runner.failRun = new IllegalStateException("no perl");
    assertThatThrownBy(() -> provider.launch(request("t", null, null, null)))
        .isInstanceOfSatisfying(
            LaunchException.class, e -> assertThat(e.reason()).isEqualTo("LAUNCH_ERROR"))
        .hasMessageContaining("no perl");
    Instance i = provider.describe(Map.of()).get(0);
    assertThat(i.terminated()).isTrue();
    assertThat(i.stateReason()).contains("no perl");
  }

  @Test
  void terminateClosesTheAgentAndTheRecordExpiresAfterTheRetention() {
    Instance i = provider.launch(request("t", null, null, null));
    Path d = provider.instanceDir(i.instanceId());
    provider.terminate(List.of(i.instanceId()));
    provider.terminate(List.of(i.instanceId()));
    assertThat(runner.calls).containsExactly("run " + i.instanceId(), "close " + i.instanceId());
    Instance t = provider.describe(Map.of()).get(0);
    assertThat(t.terminated()).isTrue();
    assertThat(t.stateReason()).isEqualTo("terminated by request");
    assertThat(d).exists();

    clock.advance(Duration.ofMinutes(29));
    assertThat(provider.describe(Map.of())).hasSize(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(provider.describe(Map.of())).isEmpty();
    assertThat(d).doesNotExist();
    // the token was forgotten with it
    Instance again = provider.launch(request("t", null, null, null));
    assertThat(again.instanceId()).isNotEqualTo(i.instanceId());
  }

  @Test
  void stateReasonRepeatsTheAgentsFailure() throws Exception {
    Instance i = provider.launch(request("t", null, null, null));
    Path state = provider.instanceDir(i.instanceId()).resolve("agent-state.json");
    Files.writeString(
        state,
        "{\"version\":1,\"nodeName\":\"g-1\",\"state\":\"BOOTSTRAP_FAILED\",\"message\":\"the bootstrap script exited with code 3\"}");
    assertThat(provider.describe(Map.of()).get(0).stateReason())
        .isEqualTo("agent: BOOTSTRAP_FAILED: the bootstrap script exited with code 3");
    Files.writeString(
        state,
        "{\"version\":1,\"nodeName\":\"g-1\",\"state\":\"RUNNING\",\"message\":\"slurmd is not running (pid 12)\"}");
    assertThat(provider.describe(Map.of()).get(0).stateReason())
        .isEqualTo("agent: slurmd is not running (pid 12)");
    Files.writeString(state, "{\"version\":1,\"nodeName\":\"g-1\",\"state\":\"RUNNING\"}");
    assertThat(provider.describe(Map.of()).get(0).stateReason()).isNull();
  }

  @Test
  void closeDetachesAndAdoptAllResumesRegisteredAgentsAndRestartsTheOthers() throws Exception {
    Instance registered = provider.launch(request("a", null, null, null));
    Instance fresh = provider.launch(request("b", null, null, null));
    Instance gone = provider.launch(request("c", null, null, null));
    Instance unknown =
        provider.launch(
            new LaunchRequest(
                "d", "c5.large", null, null, null, null, Map.of("skip", "me"), bootstrap(true)));
    provider.terminate(List.of(gone.instanceId()));
    Files.writeString(
        provider.instanceDir(registered.instanceId()).resolve("agent-state.json"),
        "{\"version\":1,\"nodeName\":\"g-1\",\"state\":\"RUNNING\"}");
    provider.close();
    assertThat(runner.calls)
        .contains(
            "detach " + registered.instanceId(),
            "detach " + fresh.instanceId(),
            "detach " + unknown.instanceId());
    assertThatThrownBy(() -> provider.launch(request("e", null, null, null)))
        .isInstanceOf(IllegalStateException.class);

    runner.calls.clear();
    runner.configs.clear();
    provider = open();
    List<Instance> adopted =
        provider.adoptAll(
            inst ->
                inst.tags().containsKey("skip")
                    ? null
                    : new Bootstrap(
                        URI.create("http://127.0.0.1:9999"),
                        "eu-west-1",
                        "AKID2",
                        "secret2",
                        null,
                        null,
                        false));
    assertThat(adopted)
        .extracting(Instance::instanceId)
        .containsExactlyInAnyOrder(registered.instanceId(), fresh.instanceId());
    assertThat(runner.calls)
        .containsExactlyInAnyOrder("adopt " + registered.instanceId(), "run " + fresh.instanceId());
    AgentConfig c = runner.configs.get(0);
    assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9999"));
    assertThat(c.accessKeyId()).isEqualTo("AKID2");
    assertThat(c.bootstrapId()).isEqualTo("boot-1"); // from the record
    assertThat(c.clusterId()).isEqualTo("pcs_abcdefghij");
    // adopting again changes nothing
    assertThat(provider.adoptAll(inst -> bootstrap(false)))
        .extracting(Instance::instanceId)
        .containsExactly(unknown.instanceId());
  }

  @Test
  void aRestartDropsHalfWrittenInstanceDirectories() throws Exception {
    Path half = Files.createDirectories(dir.resolve("instances/i-0123456789abcdef0"));
    Path foreign = Files.createDirectories(dir.resolve("instances/not-an-instance"));
    provider.close();
    provider = open();
    assertThat(half).doesNotExist();
    assertThat(foreign).exists();
    assertThat(provider.describe(Map.of())).isEmpty();
  }
}
