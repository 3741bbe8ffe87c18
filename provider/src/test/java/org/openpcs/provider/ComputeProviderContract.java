package org.openpcs.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ComputeProvider} must do, whatever runs its instances. A provider module runs
 * this suite by extending it (it ships in the provider test-jar) and saying how to open its
 * provider on a state directory; opening twice on the same directory must see the same instances.
 */
public abstract class ComputeProviderContract {
  protected static final String CLUSTER = "aws:pcs:cluster-id";
  protected static final String GROUP = "aws:pcs:compute-node-group-id";
  protected static final String NODE = "openpcs:node-name";

  @TempDir protected Path stateDir;
  protected ComputeProvider provider;
  private final List<ComputeProvider> opened = new ArrayList<>();

  /** Opens the provider on {@code stateDir}; a second call on the same dir is a "restart". */
  protected abstract ComputeProvider open(Path stateDir);

  /** An instance type the provider offers. */
  protected String instanceType() {
    return provider.catalog().all().iterator().next().name();
  }

  @BeforeEach
  void openProvider() {
    provider = reopen();
  }

  @AfterEach
  void closeProviders() throws Exception {
    List<String> live =
        provider.describe(Map.of()).stream()
            .filter(i -> !i.terminated())
            .map(Instance::instanceId)
            .toList();
    provider.terminate(live);
    for (ComputeProvider p : opened) {
      if (p instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  protected ComputeProvider reopen() {
    if (provider instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    ComputeProvider p = open(stateDir);
    opened.add(p);
    provider = p;
    return p;
  }

  protected LaunchRequest request(String token, Map<String, String> tags) {
    Map.Entry<String, List<String>> lt = provider.launchTemplates().entrySet().iterator().next();
    return new LaunchRequest(
        token,
        instanceType(),
        "ONDEMAND",
        lt.getKey(),
        lt.getValue().get(0),
        null,
        tags,
        new Bootstrap(
            URI.create("http://127.0.0.1:9"),
            "us-east-1",
            "AKIDNODE",
            "node-secret",
            "pcs_contract0",
            "boot-" + UUID.randomUUID(),
            false));
  }

  protected static Map<String, String> tags(String cluster, String group, String node) {
    return Map.of(CLUSTER, cluster, GROUP, group, NODE, node);
  }

  @Test
  void launchReturnsAnInstanceWithAnIdTypeTagsAndLaunchTime() {
    Instance i = provider.launch(request("t1", tags("pcs_a", "g1", "g1-1")));
    assertThat(i.instanceId()).matches("i-[0-9a-f]{17}");
    assertThat(i.instanceType()).isEqualTo(instanceType());
    assertThat(i.state()).isIn("PENDING", "RUNNING");
    assertThat(i.terminated()).isFalse();
    assertThat(i.tags()).isEqualTo(tags("pcs_a", "g1", "g1-1"));
    assertThat(i.launchedAt()).isNotNull();
    assertThat(provider.describe(Map.of()))
        .extracting(Instance::instanceId)
        .containsExactly(i.instanceId());
  }

  @Test
  void launchIsIdempotentByToken() {
    Instance a = provider.launch(request("same", tags("pcs_a", "g1", "g1-1")));
    Instance b = provider.launch(request("same", tags("pcs_a", "g1", "g1-1")));
    assertThat(b.instanceId()).isEqualTo(a.instanceId());
    assertThat(provider.describe(Map.of())).hasSize(1);
    Instance c = provider.launch(request("other", tags("pcs_a", "g1", "g1-2")));
    assertThat(c.instanceId()).isNotEqualTo(a.instanceId());
    assertThat(provider.describe(Map.of())).hasSize(2);
  }

  @Test
  void concurrentLaunchesWithOneTokenMakeOneInstance() throws Exception {
    List<Callable<Instance>> calls = new ArrayList<>();
    for (int k = 0; k < 16; k++) {
      calls.add(() -> provider.launch(request("race", tags("pcs_a", "g1", "g1-1"))));
    }
    Set<String> ids = new HashSet<>();
    try (ExecutorService ex = Executors.newFixedThreadPool(8)) {
      for (Future<Instance> f : ex.invokeAll(calls)) {
        ids.add(f.get().instanceId());
      }
    }
    assertThat(ids).hasSize(1);
    assertThat(provider.describe(Map.of())).hasSize(1);
  }

  @Test
  void idsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int k = 0; k < 25; k++) {
      ids.add(provider.launch(request("t" + k, tags("pcs_a", "g1", "g1-" + k))).instanceId());
    }
    assertThat(ids).hasSize(25).allMatch(id -> id.matches("i-[0-9a-f]{17}"));
  }

  @Test
  void describeMatchesATagSubset() {
    Instance a1 = provider.launch(request("a1", tags("pcs_a", "g1", "g1-1")));
    Instance a2 = provider.launch(request("a2", tags("pcs_a", "g2", "g2-1")));
    Instance b1 = provider.launch(request("b1", tags("pcs_b", "g1", "g1-1")));

    assertThat(ids(Map.of(CLUSTER, "pcs_a")))
        .containsExactlyInAnyOrder(a1.instanceId(), a2.instanceId());
    assertThat(ids(Map.of(CLUSTER, "pcs_a", GROUP, "g1"))).containsExactly(a1.instanceId());
    assertThat(ids(Map.of(GROUP, "g1")))
        .containsExactlyInAnyOrder(a1.instanceId(), b1.instanceId());
    assertThat(ids(Map.of())).hasSize(3);
    assertThat(ids(Map.of(CLUSTER, "pcs_c"))).isEmpty();
    assertThat(ids(Map.of(CLUSTER, "pcs_a", "extra", "x"))).isEmpty();
    assertThat(ids(Map.of(CLUSTER, "PCS_A"))).isEmpty();
  }

  @Test
  void tagsAreCopiedAtLaunch() {
    Map<String, String> mutable = new HashMap<>(tags("pcs_a", "g1", "g1-1"));
    Instance i = provider.launch(request("copy", mutable));
    mutable.put(CLUSTER, "pcs_changed");
    assertThat(provider.describe(Map.of(CLUSTER, "pcs_a")))
        .extracting(Instance::instanceId)
        .containsExactly(i.instanceId());
  }

  @Test
  void terminateIsIdempotentAndTerminatedInstancesStayVisibleForAWhile() {
    Instance a = provider.launch(request("a", tags("pcs_a", "g1", "g1-1")));
    Instance b = provider.launch(request("b", tags("pcs_a", "g1", "g1-2")));
    provider.terminate(List.of(a.instanceId()));
    provider.terminate(List.of(a.instanceId(), "i-00000000000000000", a.instanceId()));
    provider.terminate(List.of());

    Map<String, Instance> byId = new HashMap<>();
    provider.describe(Map.of(CLUSTER, "pcs_a")).forEach(i -> byId.put(i.instanceId(), i));
    assertThat(byId.get(a.instanceId()).state()).isEqualTo("TERMINATED");
    assertThat(byId.get(a.instanceId()).terminated()).isTrue();
    assertThat(byId.get(a.instanceId()).tags()).isEqualTo(tags("pcs_a", "g1", "g1-1"));
    assertThat(byId.get(b.instanceId()).terminated()).isFalse();
  }

  @Test
  void aTokenOfATerminatedInstanceStillReturnsIt() {
    Instance a = provider.launch(request("once", tags("pcs_a", "g1", "g1-1")));
    provider.terminate(List.of(a.instanceId()));
    Instance again = provider.launch(request("once", tags("pcs_a", "g1", "g1-1")));
    assertThat(again.instanceId()).isEqualTo(a.instanceId());
    assertThat(again.terminated()).isTrue();
    assertThat(provider.describe(Map.of())).hasSize(1);
  }

  @Test
  void instancesAndTokensSurviveARestart() {
    Instance a = provider.launch(request("ta", tags("pcs_a", "g1", "g1-1")));
    Instance b = provider.launch(request("tb", tags("pcs_a", "g1", "g1-2")));
    provider.terminate(List.of(b.instanceId()));

    reopen();
    Map<String, Instance> byId = new HashMap<>();
    provider.describe(Map.of()).forEach(i -> byId.put(i.instanceId(), i));
    assertThat(byId).containsOnlyKeys(a.instanceId(), b.instanceId());
    assertThat(byId.get(a.instanceId()).terminated()).isFalse();
    assertThat(byId.get(a.instanceId()).tags()).isEqualTo(a.tags());
    assertThat(byId.get(a.instanceId()).instanceType()).isEqualTo(a.instanceType());
    assertThat(byId.get(a.instanceId()).launchedAt()).isEqualTo(a.launchedAt());
    assertThat(byId.get(b.instanceId()).terminated()).isTrue();
    assertThat(provider.launch(request("ta", tags("pcs_a", "g1", "g1-1"))).instanceId())
        .isEqualTo(a.instanceId());
    assertThat(provider.describe(Map.of())).hasSize(2);
  }

  @Test
  void injectedFailures() {
    assumeTrue(provider instanceof FaultInjection, "the provider has no fault injection");
    Instance before = provider.launch(request("before", tags("pcs_a", "g1", "g1-1")));
    ((FaultInjection) provider).failNextLaunches(2, "INSUFFICIENT_CAPACITY");

    // an idempotent repeat neither fails nor uses up a failure
    assertThat(provider.launch(request("before", tags("pcs_a", "g1", "g1-1"))).instanceId())
        .isEqualTo(before.instanceId());
    for (int k = 0; k < 2; k++) {
      assertThatThrownBy(() -> provider.launch(request("retry", tags("pcs_a", "g1", "g1-2"))))
          .isInstanceOfSatisfying(
              LaunchException.class,
              e -> assertThat(e.reason()).isEqualTo("INSUFFICIENT_CAPACITY"));
    }
    assertThat(provider.describe(Map.of())).hasSize(1);
    Instance after = provider.launch(request("retry", tags("pcs_a", "g1", "g1-2")));
    assertThat(after.instanceId()).isNotEqualTo(before.instanceId());
    assertThat(provider.describe(Map.of())).hasSize(2);

    ((FaultInjection) provider).failNextLaunches(5, "LIMIT_EXCEEDED");
    ((FaultInjection) provider).failNextLaunches(0, null);
    provider.launch(request("cleared", tags("pcs_a", "g1", "g1-3")));
  }

  @Test
  void anUnknownInstanceTypeIsALaunchError() {
    LaunchRequest r = request("x", tags("pcs_a", "g1", "g1-1"));
    LaunchRequest bad =
        new LaunchRequest(
            r.token(),
            "no.such-type",
            r.purchaseOption(),
            r.launchTemplateId(),
            r.launchTemplateVersion(),
            r.imageId(),
            r.tags(),
            r.bootstrap());
    assertThatThrownBy(() -> provider.launch(bad))
        .isInstanceOfSatisfying(
            LaunchException.class, e -> assertThat(e.reason()).isEqualTo("LAUNCH_ERROR"))
        .hasMessageContaining("no.such-type");
    assertThat(provider.describe(Map.of())).isEmpty();
  }

  @Test
  void theProviderDescribesWhatItCanRun() {
    assertThat(provider.name()).isNotBlank();
    assertThat(provider.catalog().all()).isNotEmpty();
    assertThat(provider.catalog().find(instanceType())).isPresent();
    assertThat(provider.launchTemplates()).isNotEmpty();
    assertThat(provider.launchTemplates().values()).allMatch(v -> !v.isEmpty());
    assertThat(provider.images()).isNotEmpty();
  }

  private List<String> ids(Map<String, String> tags) {
    return provider.describe(tags).stream().map(Instance::instanceId).toList();
  }
}
