package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpcs.control.TestResources.catalog;
import static org.openpcs.control.TestResources.cluster;
import static org.openpcs.control.TestResources.group;
import static org.openpcs.control.TestResources.queue;
import static org.openpcs.control.TestResources.type;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.NodeLine;
import org.openpcs.slurm.PartitionLine;
import org.openpcs.slurm.SlurmConfRenderer;
import org.openpcs.slurm.SlurmConfig;

class SlurmConfigPlannerTest {
  private static final String CLUSTER_ID = "pcs_ABCdef1234";
  private static final String ADDRESS = "10.1.2.3";
  private static final int CTLD_PORT = 17000;
  private static final InstanceTypeCatalog CATALOG =
      catalog(
          type("c5.large", 2, 4096, 0),
          type("m5.large", 2, 8192, 0),
          type("c5a.large", 2, 3800, 0),
          type("g4dn.xlarge", 4, 16384, 1));
  private static final ClusterPaths PATHS = new ClusterPaths(Path.of("/var/lib/openpcs/c1"));
  private static final Cluster CLUSTER = cluster(CLUSTER_ID, Size.SMALL, 600);
  private static final int SUSPEND_TIMEOUT = 30;

  /** Ports for the controller, the placeholder node and every node of the groups. */
  private static ClusterLayout layoutFor(List<ComputeNodeGroup> groups) {
    Map<String, Integer> ports = new HashMap<>();
    ports.put(PortAllocator.CONTROLLER, CTLD_PORT);
    ports.put(SlurmConfigPlanner.PLACEHOLDER_NODE, CTLD_PORT + 1);
    int next = CTLD_PORT + 2;
    for (ComputeNodeGroup g : groups) {
      for (String n : NodeNames.all(g)) {
        ports.put(n, next++);
      }
    }
    return new ClusterLayout(ADDRESS, CTLD_PORT, ports);
  }

  private static SlurmConfig plan(List<ComputeNodeGroup> groups, List<Queue> queues) {
    return plan(CLUSTER, groups, queues, false);
  }

  private static SlurmConfig plan(
      Cluster cluster, List<ComputeNodeGroup> groups, List<Queue> queues, boolean powerSaving) {
    return SlurmConfigPlanner.plan(
        cluster, groups, queues, CATALOG, layoutFor(groups), PATHS, powerSaving, SUSPEND_TIMEOUT);
  }

  private static List<String> nodeNames(SlurmConfig c) {
    return c.nodes().stream().map(NodeLine::name).toList();
  }

  private static PartitionLine partition(SlurmConfig c, String name) {
    return c.partitions().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void suspendTimeoutIsTheProvidersReleaseTimePlusAMargin() {
    // local instances are gone when their termination returns
    assertThat(SlurmConfigPlanner.suspendTimeoutSeconds(Duration.ZERO)).isEqualTo(5);
    // a provider that does not know keeps the earlier 30 s
    assertThat(SlurmConfigPlanner.suspendTimeoutSeconds(Duration.ofSeconds(25))).isEqualTo(30);
    // part of a second counts as a whole one
    assertThat(SlurmConfigPlanner.suspendTimeoutSeconds(Duration.ofMillis(1500))).isEqualTo(7);
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 0, 2, "c5.large");
    SlurmConfig c =
        SlurmConfigPlanner.plan(
            CLUSTER, List.of(g), List.of(), CATALOG, layoutFor(List.of(g)), PATHS, true, 5);
    assertThat(c.controller().suspendTimeoutSeconds()).isEqualTo(5);
    assertThat(SlurmConfRenderer.render(c).get(SlurmConfRenderer.SLURM_CONF))
        .containsPattern("(?m)^SuspendTimeout=5$");
  }

  @Test
  void nodesAreNamedAfterTheGroupAndStaticUpToMin() {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 2, 4, "c5.large");

    SlurmConfig c =
        plan(
            List.of(g),
            List.of(queue("pcs_q1", CLUSTER_ID, "q1", ResourceStatus.ACTIVE, "pcs_g1")));

    assertThat(nodeNames(c)).containsExactly("compute-1", "compute-2", "compute-3", "compute-4");
    assertThat(c.nodes()).extracting(NodeLine::cloud).containsExactly(false, false, true, true);
  }

  @Test
  void aGroupWithMinEqualToMaxHasOnlyStaticNodesAndWithMinZeroOnlyCloudNodes() {
    ComputeNodeGroup fixed = group("pcs_g1", CLUSTER_ID, "fixed", 3, 3, "c5.large");
    ComputeNodeGroup elastic = group("pcs_g2", CLUSTER_ID, "elastic", 0, 2, "c5.large");

    SlurmConfig c = plan(List.of(fixed, elastic), List.of());

    assertThat(c.nodes())
        .filteredOn(n -> n.name().startsWith("fixed-"))
        .hasSize(3)
        .allSatisfy(n -> assertThat(n.cloud()).isFalse());
    assertThat(c.nodes())
        .filteredOn(n -> n.name().startsWith("elastic-"))
        .hasSize(2)
        .allSatisfy(n -> assertThat(n.cloud()).isTrue());
  }

  @Test
  void nodesCarryFeaturesResourcesAddressPortAndSettings() {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "gpu", 1, 2, "g4dn.xlarge");
    ClusterLayout layout = layoutFor(List.of(g));

    SlurmConfig c =
        SlurmConfigPlanner.plan(
            CLUSTER, List.of(g), List.of(), CATALOG, layout, PATHS, false, SUSPEND_TIMEOUT);

    NodeLine first = c.nodes().get(0);
    assertThat(first.features()).containsExactly("gpu", "g4dn.xlarge");
    assertThat(first.cpus()).isEqualTo(4);
    assertThat(first.realMemoryMiB()).isEqualTo(16384);
    assertThat(first.gpus()).isEqualTo(1);
    assertThat(first.address()).isEqualTo(ADDRESS);
    assertThat(first.settings()).containsExactly(new CustomSetting("Weight", "7"));
    assertThat(c.nodes())
        .allSatisfy(n -> assertThat(n.port()).isEqualTo(layout.nodePorts().get(n.name())));
    assertThat(c.nodes()).extracting(NodeLine::port).doesNotHaveDuplicates();
  }

  @Test
  void nodesAreDeclaredWithTheFirstTypesCpusAndTheSmallestMemoryOfAllTypes() {
    ComputeNodeGroup g =
        group("pcs_g1", CLUSTER_ID, "mixed", 0, 1, "m5.large", "c5a.large", "c5.large");

    NodeLine n = plan(List.of(g), List.of()).nodes().get(0);

    assertThat(n.features()).containsExactly("mixed", "m5.large");
    assertThat(n.cpus()).isEqualTo(2);
    assertThat(n.realMemoryMiB()).isEqualTo(3800);
  }

  @Test
  void aFallbackTypeMissingFromTheCatalogIsIgnoredButAMissingFirstTypeIsAnError() {
    ComputeNodeGroup fallbackUnknown =
        group("pcs_g1", CLUSTER_ID, "a", 0, 1, "c5.large", "no.such");
    assertThat(plan(List.of(fallbackUnknown), List.of()).nodes().get(0).realMemoryMiB())
        .isEqualTo(4096);

    ComputeNodeGroup firstUnknown = group("pcs_g2", CLUSTER_ID, "b", 0, 1, "no.such", "c5.large");
    assertThatThrownBy(() -> plan(List.of(firstUnknown), List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no.such");
  }

  @Test
  void aNodeWithoutAnAllocatedPortIsAnError() {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 0, 2, "c5.large");
    Map<String, Integer> ports = new HashMap<>(layoutFor(List.of(g)).nodePorts());
    ports.remove("compute-2");

    assertThatThrownBy(
            () ->
                SlurmConfigPlanner.plan(
                    CLUSTER,
                    List.of(g),
                    List.of(),
                    CATALOG,
                    new ClusterLayout(ADDRESS, CTLD_PORT, ports),
                    PATHS,
                    false,
                    SUSPEND_TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("compute-2");
  }

  @Test
  void queuesBecomePartitionsOfTheNodesOfTheirGroups() {
    ComputeNodeGroup a = group("pcs_ga", CLUSTER_ID, "alpha", 0, 2, "c5.large");
    ComputeNodeGroup b = group("pcs_gb", CLUSTER_ID, "beta", 1, 1, "c5.large");
    ComputeNodeGroup login = group("pcs_gl", CLUSTER_ID, "login", 1, 1, "c5.large");
    Queue both = queue("pcs_q1", CLUSTER_ID, "both", ResourceStatus.ACTIVE, "pcs_gb", "pcs_ga");
    Queue onlyA = queue("pcs_q2", CLUSTER_ID, "onlya", ResourceStatus.CREATING, "pcs_ga");

    SlurmConfig c = plan(List.of(login, b, a), List.of(onlyA, both));

    assertThat(c.partitions()).extracting(PartitionLine::name).containsExactly("both", "onlya");
    assertThat(partition(c, "both").nodeNames()).containsExactly("alpha-1", "alpha-2", "beta-1");
    assertThat(partition(c, "onlya").nodeNames()).containsExactly("alpha-1", "alpha-2");
    assertThat(partition(c, "both").state()).isEqualTo("UP");
    assertThat(partition(c, "onlya").state()).isEqualTo("UP");
    assertThat(partition(c, "both").settings()).containsExactly(new CustomSetting("MaxTime", "60"));
    // The planner renders every group it is given; keeping login fleets out is the caller's job.
    assertThat(nodeNames(c)).containsExactly("alpha-1", "alpha-2", "beta-1", "login-1");
    assertThat(c.partitions()).allSatisfy(p -> assertThat(p.nodeNames()).doesNotContain("login-1"));
  }

  @ParameterizedTest
  @EnumSource(ResourceStatus.class)
  void onlyADeletingQueueIsDrained(ResourceStatus status) {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 0, 1, "c5.large");

    SlurmConfig c = plan(List.of(g), List.of(queue("pcs_q1", CLUSTER_ID, "q1", status, "pcs_g1")));

    assertThat(partition(c, "q1").state())
        .isEqualTo(status == ResourceStatus.DELETING ? "DRAIN" : "UP");
    assertThat(partition(c, "q1").nodeNames()).containsExactly("compute-1");
  }

  @Test
  void aClusterWithoutQueuesGetsOnlyTheHiddenPlaceholderPartition() {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 0, 1, "c5.large");

    SlurmConfig c = plan(List.of(g), List.of());

    assertThat(c.partitions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo(SlurmConfigPlanner.PLACEHOLDER_PARTITION);
              assertThat(p.nodeNames()).isEmpty();
              assertThat(p.state()).isEqualTo("INACTIVE");
              assertThat(p.settings()).containsExactly(new CustomSetting("Hidden", "YES"));
            });
    assertThat(nodeNames(c)).containsExactly("compute-1");
  }

  @Test
  void aClusterWithoutNodesGetsOnlyThePlaceholderNodeInNoPartition() {
    SlurmConfig c =
        plan(List.of(), List.of(queue("pcs_q1", CLUSTER_ID, "q1", ResourceStatus.ACTIVE)));

    assertThat(c.nodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.name()).isEqualTo(SlurmConfigPlanner.PLACEHOLDER_NODE);
              assertThat(n.cloud()).isTrue();
              assertThat(n.port()).isEqualTo(CTLD_PORT + 1);
              assertThat(n.address()).isEqualTo(ADDRESS);
            });
    assertThat(c.partitions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("q1");
              assertThat(p.nodeNames()).isEmpty();
            });
  }

  @Test
  void aGroupWithMaxZeroContributesNoNodeSoThePlaceholderAppears() {
    ComputeNodeGroup empty = group("pcs_g1", CLUSTER_ID, "compute", 0, 0, "c5.large");

    assertThat(nodeNames(plan(List.of(empty), List.of())))
        .containsExactly(SlurmConfigPlanner.PLACEHOLDER_NODE);
  }

  @Test
  void anEmptyClusterHasBothPlaceholders() {
    SlurmConfig c = plan(List.of(), List.of());

    assertThat(nodeNames(c)).containsExactly(SlurmConfigPlanner.PLACEHOLDER_NODE);
    assertThat(c.partitions())
        .extracting(PartitionLine::name)
        .containsExactly(SlurmConfigPlanner.PLACEHOLDER_PARTITION);
  }

  @ParameterizedTest
  @EnumSource(Size.class)
  void theControllerTakesMaxJobCountFromTheSize(Size size) {
    SlurmConfig c = plan(cluster(CLUSTER_ID, size, 900), List.of(), List.of(), false);

    assertThat(c.controller().maxJobCount()).isEqualTo(size.maxJobs);
  }

  @Test
  void slurmsPassReleasesIdleNodesTheBackstopAfterTheIdleTime() {
    assertThat(SlurmConfigPlanner.suspendTimeSeconds(1)).isEqualTo(11);
    assertThat(SlurmConfigPlanner.suspendTimeSeconds(10_000_000)).isEqualTo(10_000_010);
    for (int idle : new int[] {1, 2, 30, 600, 10_000_000}) {
      assertThat(SlurmConfigPlanner.idleTimeSeconds(SlurmConfigPlanner.suspendTimeSeconds(idle)))
          .isEqualTo(idle);
    }
    assertThat(SlurmConfigPlanner.suspendTimeSeconds(Integer.MAX_VALUE))
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theControllerCarriesTheClusterWideValues() {
    SlurmConfig c = plan(cluster(CLUSTER_ID, Size.MEDIUM, 900), List.of(), List.of(), false);

    assertThat(c.paths()).isEqualTo(PATHS);
    assertThat(c.controller().maxJobCount()).isEqualTo(8_192);
    assertThat(c.controller().clusterName()).isEqualTo("pcs_abcdef1234");
    assertThat(c.controller().controlAddress()).isEqualTo(ADDRESS);
    assertThat(c.controller().slurmctldPort()).isEqualTo(CTLD_PORT);
    // Slurm's own pass is the backstop, 10 s after the control plane's release (D44)
    assertThat(c.controller().suspendTimeSeconds()).isEqualTo(910);
    assertThat(c.controller().slurmCustomSettings())
        .containsExactly(new CustomSetting("MinJobAge", "300"));
    assertThat(c.controller().cgroupCustomSettings())
        .containsExactly(new CustomSetting("ConstrainCores", "yes"));
  }

  @Test
  void powerSavingProgramsAreSetOnlyWhenAsked() {
    ComputeNodeGroup g = group("pcs_g1", CLUSTER_ID, "compute", 0, 2, "c5.large");

    SlurmConfig off = plan(CLUSTER, List.of(g), List.of(), false);
    assertThat(off.controller().resumeProgram()).isNull();
    assertThat(off.controller().suspendProgram()).isNull();
    assertThat(off.controller().resumeFailProgram()).isNull();

    SlurmConfig on = plan(CLUSTER, List.of(g), List.of(), true);
    assertThat(on.controller().resumeProgram()).isEqualTo(PATHS.bin().resolve("resume"));
    assertThat(on.controller().suspendProgram()).isEqualTo(PATHS.bin().resolve("suspend"));
    assertThat(on.controller().resumeFailProgram()).isEqualTo(PATHS.bin().resolve("resume-fail"));
  }

  // --- properties over random clusters

  private record Scenario(List<ComputeNodeGroup> groups, List<Queue> queues) {}

  private static Scenario scenario(long seed) {
    Random r = new Random(seed);
    List<String> names = new ArrayList<>(List.of("alpha", "beta", "gpu", "compute", "login"));
    Collections.shuffle(names, r);
    List<ComputeNodeGroup> groups = new ArrayList<>();
    int groupCount = r.nextInt(5);
    for (int i = 0; i < groupCount; i++) {
      int min = r.nextInt(4);
      int max = min + r.nextInt(4);
      String t = r.nextBoolean() ? "c5.large" : "g4dn.xlarge";
      groups.add(group("pcs_g" + i, CLUSTER_ID, names.get(i), min, max, t));
    }
    List<Queue> queues = new ArrayList<>();
    ResourceStatus[] statuses = {
      ResourceStatus.ACTIVE,
      ResourceStatus.CREATING,
      ResourceStatus.UPDATING,
      ResourceStatus.DELETING
    };
    int queueCount = r.nextInt(4);
    for (int i = 0; i < queueCount; i++) {
      List<String> ids = new ArrayList<>();
      for (ComputeNodeGroup g : groups) {
        if (r.nextInt(3) == 0) {
          ids.add(g.id());
        }
      }
      queues.add(
          queue(
              "pcs_q" + i,
              CLUSTER_ID,
              "q" + (char) ('a' + i),
              statuses[r.nextInt(statuses.length)],
              ids.toArray(String[]::new)));
    }
    return new Scenario(groups, queues);
  }

  @Property(tries = 300)
  void theConfigFollowsTheFixedMapping(@ForAll long seed) {
    Scenario s = scenario(seed);
    SlurmConfig c = plan(s.groups(), s.queues());

    int total = s.groups().stream().mapToInt(g -> g.spec().maxInstanceCount()).sum();
    Set<String> declared = new HashSet<>(nodeNames(c));
    assertThat(declared).hasSize(c.nodes().size());
    if (total == 0) {
      assertThat(nodeNames(c)).containsExactly(SlurmConfigPlanner.PLACEHOLDER_NODE);
    } else {
      assertThat(c.nodes()).hasSize(total);
      assertThat(declared).doesNotContain(SlurmConfigPlanner.PLACEHOLDER_NODE);
    }
    for (ComputeNodeGroup g : s.groups()) {
      for (int i = 1; i <= g.spec().maxInstanceCount(); i++) {
        String name = g.name() + "-" + i;
        NodeLine n =
            c.nodes().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        assertThat(n.cloud()).isEqualTo(i > g.spec().minInstanceCount());
        assertThat(n.features()).containsExactly(g.name(), g.spec().instanceTypes().get(0));
      }
    }
    if (s.queues().isEmpty()) {
      assertThat(c.partitions())
          .extracting(PartitionLine::name)
          .containsExactly(SlurmConfigPlanner.PLACEHOLDER_PARTITION);
    } else {
      assertThat(c.partitions()).hasSize(s.queues().size());
      for (Queue q : s.queues()) {
        PartitionLine p = partition(c, q.name());
        Set<String> expected = new HashSet<>();
        s.groups().stream()
            .filter(g -> q.spec().computeNodeGroupIds().contains(g.id()))
            .forEach(g -> expected.addAll(NodeNames.all(g)));
        assertThat(p.nodeNames())
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(declared).containsAll(p.nodeNames());
        assertThat(p.state()).isEqualTo(q.status() == ResourceStatus.DELETING ? "DRAIN" : "UP");
      }
    }
  }

  @Property(tries = 200)
  void theConfigDoesNotDependOnTheOrderOfGroupsAndQueues(@ForAll long seed) {
    Scenario s = scenario(seed);
    List<ComputeNodeGroup> groups = new ArrayList<>(s.groups());
    List<Queue> queues = new ArrayList<>(s.queues());
    Collections.shuffle(groups, new Random(seed + 1));
    Collections.shuffle(queues, new Random(seed + 2));

    ClusterLayout layout = layoutFor(s.groups());

    assertThat(
            SlurmConfigPlanner.plan(
                CLUSTER, groups, queues, CATALOG, layout, PATHS, true, SUSPEND_TIMEOUT))
        .isEqualTo(
            SlurmConfigPlanner.plan(
                CLUSTER, s.groups(), s.queues(), CATALOG, layout, PATHS, true, SUSPEND_TIMEOUT));
  }
}
