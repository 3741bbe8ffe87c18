package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.control.slurm.OwnershipTags;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.provider.LaunchRequest;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

/**
 * The collector on a real store, with Slurm's and the provider's answers set by the test (a real
 * slurmctld is exercised by the e2e scenarios).
 */
class ClusterCollectorTest {
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final Duration PERIOD = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Store store;
  private Cluster cluster;
  private ComputeNodeGroup compute;
  private Instant now = T0;
  private List<NodeStatus> nodes = new ArrayList<>();
  private volatile List<JobStatus> jobs = new ArrayList<>();
  private final List<Instance> instances = new ArrayList<>();
  private RuntimeException slurmFailure;
  private final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
  private ClusterCollector collector;

  @BeforeEach
  void setUp() {
    store = JdbcStore.open("jdbc:h2:mem:collector-" + UUID.randomUUID(), null, null);
    Cluster fixture = StoreFixtures.cluster("metrics");
    cluster =
        store.inTransaction(
            tx ->
                tx.insertCluster(
                    fixture.withStatus(
                        org.openpcs.domain.ResourceStatus.ACTIVE, List.of(), fixture.createdAt())));
    compute =
        store.inTransaction(
            tx -> tx.insertNodeGroup(StoreFixtures.nodeGroup(cluster.id(), "compute")));
    store.inTransaction(
        tx -> tx.insertQueue(StoreFixtures.queue(cluster.id(), "batch", List.of(compute.id()))));
    SlurmReader slurm =
        new SlurmReader() {
          @Override
          public List<NodeStatus> nodes(String clusterId) {
            asked.add(clusterId);
            if (slurmFailure != null) {
              throw slurmFailure;
            }
            return nodes;
          }

          @Override
          public List<JobStatus> jobs(String clusterId) {
            return jobs;
          }
        };
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    collector = new ClusterCollector(store, slurm, provider(), registry, clock, PERIOD);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void nodesJobsAndInstancesAreCountedByTheirLabels() {
    nodes =
        List.of(
            node("compute-1", "IDLE"),
            node("compute-2", "ALLOCATED"),
            node("compute-3", "IDLE", "CLOUD", "POWERED_DOWN"),
            node("compute-4", "IDLE", "CLOUD", "POWERED_DOWN"));
    jobs = List.of(job(1, "RUNNING"), job(2, "PENDING"), job(3, "PENDING"), job(4, "COMPLETED"));
    instances.add(instance("i-1", "RUNNING"));
    instances.add(instance("i-2", "PENDING"));
    instances.add(instance("i-3", "TERMINATED"));

    collector.run();

    String text = registry.scrape();
    String id = cluster.id();
    assertThat(text)
        .contains(
            gauge(
                "openpcs_slurm_nodes",
                id,
                "node_group=\"compute\",queue=\"batch\",state=\"idle\"",
                1))
        .contains(
            gauge(
                "openpcs_slurm_nodes",
                id,
                "node_group=\"compute\",queue=\"batch\",state=\"powered_down\"",
                2))
        .contains(gauge("openpcs_jobs", id, "queue=\"batch\",state=\"pending\"", 2))
        .contains(gauge("openpcs_jobs", id, "queue=\"batch\",state=\"running\"", 1))
        .contains(gauge("openpcs_instances", id, "node_group=\"compute\",state=\"running\"", 1))
        .contains(gauge("openpcs_instances", id, "node_group=\"compute\",state=\"pending\"", 1))
        .doesNotContain("state=\"completed\"")
        .doesNotContain("state=\"terminated\"");
    MetricConventions.check(PrometheusText.parse(text));
  }

  @Test
  void idleNodeSecondsAccumulateBetweenReadsAndLongGapsAreCapped() {
    nodes = List.of(node("compute-1", "IDLE"), node("compute-2", "IDLE"));
    collector.run();
    now = now.plus(PERIOD);
    collector.run();
    assertThat(idleSeconds()).isEqualTo(10.0);

    now = now.plus(Duration.ofHours(1)); // the controller was unreadable meanwhile
    collector.run();
    assertThat(idleSeconds()).isEqualTo(10.0 + 2 * 2 * PERIOD.toSeconds());
  }

  @Test
  void anUnreadableClusterKeepsItsLastValuesAndCountsAnError() {
    nodes = List.of(node("compute-1", "ALLOCATED"));
    collector.run();

    slurmFailure = new IllegalStateException("slurmctld does not answer");
    collector.run();

    assertThat(registry.scrape())
        .contains(
            gauge(
                "openpcs_slurm_nodes",
                cluster.id(),
                "node_group=\"compute\",queue=\"batch\",state=\"allocated\"",
                1));
    assertThat(registry.get("openpcs.collector.errors").counter().count()).isEqualTo(1);
  }

  @Test
  void aDeletedClustersSeriesDisappear() {
    nodes = List.of(node("compute-1", "IDLE"));
    collector.run();
    assertThat(registry.scrape()).contains("openpcs_slurm_nodes{");

    store.inTransaction(
        tx -> {
          tx.deleteCluster(cluster.id());
          return null;
        });
    collector.run();

    assertThat(registry.scrape()).doesNotContain("openpcs_slurm_nodes{");
  }

  @Test
  void clustersWithoutAControllerAreNotAsked() {
    Cluster creating =
        store.inTransaction(tx -> tx.insertCluster(StoreFixtures.cluster("not-yet")));

    collector.run();

    assertThat(asked).containsExactly(cluster.id()).doesNotContain(creating.id());
    assertThat(registry.find("openpcs.collector.errors").counter()).isNull();
  }

  @Test
  void aSeriesFollowsItsCountAndGoesWhenNoNodeIsInItsState() {
    nodes = List.of(node("compute-1", "IDLE"), node("compute-2", "IDLE"));
    collector.run();
    nodes = List.of(node("compute-1", "IDLE"), node("compute-2", "ALLOCATED"));
    collector.run();
    String labels = "node_group=\"compute\",queue=\"batch\",state=";
    assertThat(registry.scrape())
        .contains(gauge("openpcs_slurm_nodes", cluster.id(), labels + "\"idle\"", 1))
        .contains(gauge("openpcs_slurm_nodes", cluster.id(), labels + "\"allocated\"", 1));

    nodes = List.of(node("compute-1", "ALLOCATED"), node("compute-2", "ALLOCATED"));
    collector.run();
    assertThat(registry.scrape())
        .contains(gauge("openpcs_slurm_nodes", cluster.id(), labels + "\"allocated\"", 2))
        .doesNotContain("state=\"idle\"");
  }

  @Test
  void aScrapeDuringACollectionSeesEveryRowOnce() throws Exception {
    // Every collection publishes all rows again. A scrape at the same moment must see each row
    // once: not twice (Prometheus' client refuses duplicate series: /metrics would answer 500),
    // and not zero times (a series would flicker).
    jobs =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(i -> new JobStatus(i, "job" + i, "p" + i, "RUNNING", "", "None"))
            .toList();
    collector.run();
    scrapeWhileCollecting(
        3000,
        round -> {},
        text ->
            assertThat(text.lines().filter(l -> l.startsWith("openpcs_jobs{")))
                .hasSize(202)); // and queue batch: pending and running
  }

  @Test
  void aNewSeriesIsNeverScrapedBeforeItHasItsValue() throws Exception {
    // Each collection swaps 100 queues for 100 others: series appear and go all the time.
    List<List<JobStatus>> sets =
        java.util.stream.Stream.of("p", "r")
            .map(
                prefix ->
                    java.util.stream.IntStream.range(0, 100)
                        .mapToObj(i -> new JobStatus(i, "job", prefix + i, "RUNNING", "", "None"))
                        .toList())
            .toList();
    scrapeWhileCollecting(
        2000,
        round -> jobs = sets.get(round % 2),
        text ->
            assertThat(
                    text.lines()
                        .filter(
                            l -> l.startsWith("openpcs_jobs{") && !l.contains("queue=\"batch\"")))
                .allMatch(l -> l.endsWith(" 1.0")));
  }

  /**
   * Scrapes {@code scrapes} times while another thread runs the collector in a loop, calling {@code
   * beforeRound} with the round's number before each collection.
   */
  private void scrapeWhileCollecting(
      int scrapes,
      java.util.function.IntConsumer beforeRound,
      java.util.function.Consumer<String> check)
      throws InterruptedException {
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread collecting =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int round = 0; !stop.get(); round++) {
                    beforeRound.accept(round);
                    collector.run();
                  }
                });
    try {
      for (int i = 0; i < scrapes; i++) {
        check.accept(registry.scrape());
      }
    } finally {
      stop.set(true);
      collecting.join();
    }
  }

  private double idleSeconds() {
    return registry.get("openpcs.idle.node.seconds").counter().count();
  }

  private static String gauge(String name, String cluster, String labels, int value) {
    // Micrometer sorts labels by name: cluster first in every family here.
    return name + "{cluster=\"" + cluster + "\"," + labels + "} " + value + ".0";
  }

  private static NodeStatus node(String name, String state, String... flags) {
    return new NodeStatus(name, state, Set.of(flags), "");
  }

  private static JobStatus job(long id, String state) {
    return new JobStatus(id, "job" + id, "batch", state, "", "None");
  }

  private Instance instance(String id, String state) {
    return new Instance(
        id,
        "c5.large",
        state,
        "127.0.0.1",
        Map.of(OwnershipTags.CLUSTER, cluster.id(), OwnershipTags.GROUP, compute.id()),
        T0,
        null);
  }

  private ComputeProvider provider() {
    return new ComputeProvider() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public Instance launch(LaunchRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void terminate(Collection<String> instanceIds) {}

      @Override
      public List<Instance> describe(Map<String, String> tags) {
        return instances.stream()
            .filter(i -> i.tags().entrySet().containsAll(tags.entrySet()))
            .toList();
      }

      @Override
      public InstanceTypeCatalog catalog() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Map<String, List<String>> launchTemplates() {
        return Map.of();
      }

      @Override
      public List<String> images() {
        return List.of();
      }
    };
  }
}
