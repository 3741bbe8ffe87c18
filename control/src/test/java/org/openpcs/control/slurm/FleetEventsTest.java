package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.control.TestResources;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Event;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.provider.BundledCatalog;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

/**
 * The events the fleet emits, recorded by a sink, against a real (in-memory) store and a fake
 * provider. Slurm is absent here, so no job is requeued and nothing beyond max is given up.
 */
class FleetEventsTest {
  static final NodeBootstrap BOOTSTRAP =
      new NodeBootstrap(() -> URI.create("http://127.0.0.1:1"), "us-east-1", "AK", "SK");
  final MutableClock clock = new MutableClock(TestResources.T0);
  final List<Event> events = new CopyOnWriteArrayList<>();
  final FakeProvider provider = new FakeProvider();
  Store store;
  ComputeNodeGroup group;
  StaticCapacity fleet;
  ClusterRuntime runtime;

  /** Launches succeed unless the type is in {@link #failing}; instances live in a map. */
  static final class FakeProvider implements ComputeProvider {
    final Map<String, Instance> instances = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();

    /** How long a launch takes (a cloud API call), and how many ran at once at most. */
    volatile long launchMillis;

    final java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger mostInFlight =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Instance launch(LaunchRequest r) {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        if (launchMillis > 0) {
          Thread.sleep(launchMillis);
        }
        if (failing.contains(r.instanceType())) {
          throw new LaunchException("INSUFFICIENT_CAPACITY", "no " + r.instanceType() + " left");
        }
        Instance i =
            new Instance(
                "i-" + next.incrementAndGet(),
                r.instanceType(),
                "RUNNING",
                "10.0.0.1",
                r.tags(),
                null,
                null);
        instances.put(i.instanceId(), i);
        return i;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LaunchException("LAUNCH_ERROR", "interrupted");
      } finally {
        inFlight.decrementAndGet();
      }
    }

    /** How long a termination takes, and how many ran at once at most. */
    volatile long terminateMillis;

    final java.util.concurrent.atomic.AtomicInteger terminating =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger mostTerminating =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void terminate(Collection<String> ids) {
      mostTerminating.accumulateAndGet(terminating.incrementAndGet(), Math::max);
      try {
        if (terminateMillis > 0) {
          Thread.sleep(terminateMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        terminating.decrementAndGet();
      }
      ids.forEach(id -> instances.computeIfPresent(id, (k, i) -> with(i, "TERMINATED", null)));
    }

    @Override
    public List<Instance> describe(Map<String, String> tags) {
      return instances.values().stream()
          .filter(i -> i.tags().entrySet().containsAll(tags.entrySet()))
          .toList();
    }

    void interrupt(String id) {
      instances.computeIfPresent(
          id, (k, i) -> with(i, "RUNNING", Instance.SPOT_INTERRUPTION + ": reclaimed soon"));
    }

    static Instance with(Instance i, String state, String reason) {
      return new Instance(
          i.instanceId(), i.instanceType(), state, i.privateIp(), i.tags(), null, reason);
    }

    @Override
    public InstanceTypeCatalog catalog() {
      return new BundledCatalog();
    }

    @Override
    public Map<String, List<String>> launchTemplates() {
      return Map.of();
    }

    @Override
    public List<String> images() {
      return List.of();
    }
  }

  @BeforeEach
  void setUp() {
    store = JdbcStore.open("jdbc:h2:mem:fleet-events-" + UUID.randomUUID(), null, null);
    var cluster = TestResources.cluster(StoreFixtures.newId(), Size.SMALL, 600);
    store.inTransaction(tx -> tx.insertCluster(cluster));
    group = storedGroup(cluster.id(), "compute", "SPOT", 1, 8, "c7i.large", "c5.large");
    fleet =
        new StaticCapacity(
            store,
            provider,
            BOOTSTRAP,
            clock,
            org.openpcs.control.ScalingLog.NONE,
            Duration.ofSeconds(600),
            events::add);
    runtime =
        new ClusterRuntime(
            store,
            Optional.empty(),
            new BundledCatalog(),
            Duration.ZERO,
            null,
            java.nio.file.Path.of("/nonexistent"),
            null,
            "127.0.0.1",
            clock,
            events::add);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  /** The group's one live instance record. */
  private NodeInstance liveInstance() {
    return store.inTransaction(tx -> tx.nodeInstancesOf(group.clusterId())).stream()
        .filter(NodeInstance::live)
        .findFirst()
        .orElseThrow();
  }

  private List<String> messages() {
    return events.stream().map(Event::message).toList();
  }

  @Test
  void aScaleOutIsOneEventAndAFailedTypeCoolsDownVisibly() {
    provider.failing.add("c7i.large");
    fleet.launchDynamic(
        group, List.of("compute-3", "compute-4", "compute-5", "compute-6"), runtime);

    assertThat(messages())
        .containsExactly(
            "c7i.large cooled down for 600 s after INSUFFICIENT_CAPACITY",
            "launched 4 instances for compute-[3-6]");
    Event launched = events.get(1);
    assertThat(launched.severity()).isEqualTo(Event.Severity.INFO);
    assertThat(launched.reason()).isEqualTo("SCHEDULER_REQUESTED");
    assertThat(launched.resourceKind()).isEqualTo(ResourceKind.COMPUTE_NODE_GROUP);
    assertThat(launched.resourceId()).isEqualTo(group.id());
    assertThat(launched.clusterId()).isEqualTo(group.clusterId());
    assertThat(events.get(0).severity()).isEqualTo(Event.Severity.WARNING);
  }

  /** A stored, launchable group "big" of 0..40 nodes with these instance types. */
  private ComputeNodeGroup bigGroup(String... types) {
    return storedGroup(group.clusterId(), "big", "ON_DEMAND", 0, 40, types);
  }

  /** A stored group with a launch template (what a launch needs). */
  private ComputeNodeGroup storedGroup(
      String clusterId, String name, String purchase, int min, int max, String... types) {
    var s = TestResources.group(StoreFixtures.newId(), clusterId, name, min, max).spec();
    var g =
        new ComputeNodeGroup(
            StoreFixtures.newId(),
            clusterId,
            name,
            new NodeGroupSpec(
                s.amiId(),
                s.subnetIds(),
                purchase,
                new NodeGroupSpec.LaunchTemplate("lt-1", "1"),
                s.iamInstanceProfileArn(),
                min,
                max,
                List.of(types),
                null,
                List.of()),
            ResourceStatus.ACTIVE,
            List.of(),
            1,
            1,
            0,
            TestResources.T0,
            TestResources.T0);
    store.inTransaction(tx -> tx.insertNodeGroup(g));
    return g;
  }

  @Test
  void aLargeScaleDownTerminatesInParallelButNeverMoreThanTheBoundAtOnce() {
    var big = bigGroup("c5.large");
    List<String> nodes =
        java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(i -> "big-" + i).toList();
    fleet.launchDynamic(big, nodes, runtime);
    events.clear();
    provider.terminateMillis = 20;

    fleet.terminateIdle(big, nodes);

    assertThat(provider.mostTerminating.get())
        .isGreaterThan(1)
        .isLessThanOrEqualTo(Launches.LAUNCH_PARALLELISM);
    assertThat(provider.instances.values()).hasSize(40).allMatch(i -> i.terminated());
    assertThat(
            store.inTransaction(tx -> tx.nodeInstancesOf(group.clusterId())).stream()
                .filter(i -> i.nodeGroupId().equals(big.id())))
        .hasSize(40)
        .noneMatch(NodeInstance::live);
    assertThat(messages()).containsExactly("terminated 40 idle instances big-[1-40]");
  }

  @Test
  void aBurstIsLaunchedInParallelButNeverMoreThanTheBoundAtOnce() {
    var big = bigGroup("c5.large");
    provider.launchMillis = 20;
    List<String> nodes =
        java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(i -> "big-" + i).toList();

    fleet.launchDynamic(big, nodes, runtime);

    assertThat(provider.mostInFlight.get())
        .isGreaterThan(1)
        .isLessThanOrEqualTo(Launches.LAUNCH_PARALLELISM);
    List<NodeInstance> records =
        store.inTransaction(tx -> tx.nodeInstancesOf(group.clusterId())).stream()
            .filter(i -> i.nodeGroupId().equals(big.id()))
            .toList();
    assertThat(records).hasSize(40).allSatisfy(r -> assertThat(r.instanceId()).isNotNull());
    assertThat(records.stream().map(NodeInstance::nodeName))
        .containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(provider.instances).hasSize(40);
    assertThat(messages()).containsExactly("launched 40 instances for big-[1-40]");
  }

  @Test
  void twoLaunchesForTheSameNodesAtOnceStartOneInstanceEach() throws Exception {
    // The power-saving requests and the power-up watch may both ask for a node at the same moment.
    var big = bigGroup("c5.large");
    provider.launchMillis = 20;
    List<String> nodes =
        java.util.stream.IntStream.rangeClosed(1, 24).mapToObj(i -> "big-" + i).toList();
    var start = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    fleet.launchDynamic(big, nodes, runtime);
                  }));
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(provider.instances.values().stream().map(i -> i.tags().get(OwnershipTags.NODE)))
        .containsExactlyInAnyOrderElementsOf(nodes);
    // and once they run, asking again starts nothing
    fleet.launchDynamic(big, nodes, runtime);
    assertThat(provider.instances).hasSize(24);
  }

  @Test
  void aNodeSlurmWaitsForInVainGetsANewInstanceAtMostThreeTimesPerPowerUp() {
    var big = bigGroup("c5.large");
    var fleetEvents = new FleetEvents(events::add, clock);
    var launches =
        new Launches(
            store,
            provider,
            BOOTSTRAP,
            clock,
            org.openpcs.control.ScalingLog.NONE,
            new LaunchPolicy(clock, Duration.ofSeconds(600), fleetEvents));
    var repair = new PowerUpRepair(clock, launches, fleetEvents);
    var slurm =
        Map.of(
            "big-2",
            new org.openpcs.slurm.NodeStatus(
                "big-2", "ALLOCATED", Set.of("CLOUD", "POWERING_UP"), ""));
    for (int round = 1; round <= 4; round++) {
      // the node's instance registers and reports slurmd up; slurmctld never takes it
      fleet.launchDynamic(big, List.of("big-2"), runtime);
      NodeInstance ni =
          store.inTransaction(tx -> tx.nodeInstancesOf(group.clusterId())).stream()
              .filter(i -> i.nodeGroupId().equals(big.id()) && i.live())
              .findFirst()
              .orElseThrow();
      NodeInstance running =
          ni.registered(clock.instant()).heartbeat("RUNNING", null, clock.instant());
      store.inTransaction(tx -> tx.updateNodeInstance(running));
      assertThat(repair.check(big, slurm, live(big))).as("round %d, at once", round).isEmpty();
      clock.advance(PowerUpWatch.UNREGISTERED_BOUND);
      List<String> again = repair.check(big, slurm, live(big));
      if (round <= PowerUpRepair.MAX_REPAIRS) {
        assertThat(again).as("round %d", round).containsExactly("big-2");
        assertThat(live(big)).as("the stuck instance is gone").isEmpty();
      } else {
        assertThat(again).as("round %d: given up", round).isEmpty();
        assertThat(live(big)).hasSize(1);
      }
    }
    assertThat(messages())
        .filteredOn(m -> m.contains("never saw it register"))
        .hasSize(PowerUpRepair.MAX_REPAIRS);
    assertThat(messages())
        .contains("big-2 did not come up after 3 new instances; left to slurmctld's ResumeTimeout");

    // once the node came up, a later power-up may be repaired again
    var up =
        Map.of("big-2", new org.openpcs.slurm.NodeStatus("big-2", "IDLE", Set.of("CLOUD"), ""));
    assertThat(repair.check(big, up, live(big))).isEmpty();
    repair.check(big, slurm, live(big));
    clock.advance(PowerUpWatch.UNREGISTERED_BOUND);
    assertThat(repair.check(big, slurm, live(big))).containsExactly("big-2");
  }

  private List<NodeInstance> live(ComputeNodeGroup g) {
    return store.inTransaction(tx -> tx.nodeInstancesOf(g.clusterId())).stream()
        .filter(i -> i.nodeGroupId().equals(g.id()) && i.live())
        .toList();
  }

  @Test
  void aParallelBurstOnAFailingTypeReportsItsCooldownOnce() {
    var big = bigGroup("c7i.large", "c5.large");
    provider.failing.add("c7i.large");
    provider.launchMillis = 10;
    List<String> nodes =
        java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "big-" + i).toList();

    fleet.launchDynamic(big, nodes, runtime);

    assertThat(messages())
        .containsExactly(
            "c7i.large cooled down for 600 s after INSUFFICIENT_CAPACITY",
            "launched 20 instances for big-[1-20]");
    assertThat(provider.instances.values())
        .allSatisfy(i -> assertThat(i.instanceType()).isEqualTo("c5.large"));
  }

  @Test
  void anUnrecordedInstanceIsTerminatedOnlyAfterTheGracePeriod() {
    fleet.ensure(group, false, runtime); // compute-1
    provider.instances.put(
        "i-stray",
        new Instance(
            "i-stray",
            "c5.large",
            "RUNNING",
            "10.0.0.9",
            Map.of(OwnershipTags.GROUP, group.id(), OwnershipTags.BOOTSTRAP, "bs-nobody-knows"),
            null,
            null));

    fleet.ensure(group, false, runtime);
    // one look is not enough: a launch or termination in flight looks the same for a moment
    assertThat(provider.instances.get("i-stray").terminated()).isFalse();

    clock.advance(OrphanSweep.GRACE.plusSeconds(1));
    fleet.ensure(group, false, runtime);
    assertThat(provider.instances.get("i-stray").terminated()).isTrue();
    // the recorded instance is untouched
    assertThat(liveInstance().nodeName()).isEqualTo("compute-1");
  }

  @Test
  void idleTerminationsAreOneEventNamingOnlyNodesThatHadAnInstance() {
    fleet.launchDynamic(group, List.of("compute-2", "compute-3"), runtime);
    events.clear();
    fleet.terminateIdle(group, List.of("compute-2", "compute-3", "compute-7"));
    assertThat(messages()).containsExactly("terminated 2 idle instances compute-[2-3]");
  }

  @Test
  void minCapacityLaunchesAndALostStaticNodeAreReported() {
    fleet.ensure(group, false, runtime);
    assertThat(messages()).containsExactly("launched 1 instance for compute-1");
    assertThat(events.get(0).reason()).isEqualTo("MAINTAIN_MIN_CAPACITY");
    events.clear();

    String first = provider.instances.keySet().iterator().next();
    provider.terminate(List.of(first));
    fleet.ensure(group, false, runtime);
    assertThat(messages())
        .containsExactly(
            "node compute-1 replaced: instance " + first + " is gone",
            "launched 1 instance for compute-1");
    assertThat(events.get(0).reason()).isEqualTo("EXTERNALLY_TERMINATED");
  }

  @Test
  void aSilentAgentIsLostAfterTheHeartbeatTimeoutAndItsNodeReplaced() {
    fleet.ensure(group, false, runtime);
    NodeInstance ni = liveInstance();
    store.inTransaction(
        tx ->
            tx.updateNodeInstance(
                ni.registered(clock.instant()).heartbeat("RUNNING", null, clock.instant())));
    events.clear();

    clock.advance(InstanceRepair.HEARTBEAT_TIMEOUT.minusSeconds(1));
    fleet.ensure(group, false, runtime);
    assertThat(messages()).as("still within the timeout").isEmpty();

    clock.advance(Duration.ofSeconds(2));
    fleet.ensure(group, false, runtime);
    assertThat(messages()).hasSize(2);
    assertThat(messages().get(0))
        .startsWith("node compute-1 replaced: heartbeat lost: none since ");
    assertThat(messages().get(1)).isEqualTo("launched 1 instance for compute-1");
    assertThat(provider.instances.get(ni.instanceId()).terminated()).isTrue();
  }

  @Test
  void aServerThatWasDownDoesNotBlameTheAgentsForItsOwnSilence() {
    fleet.ensure(group, false, runtime);
    NodeInstance ni = liveInstance();
    java.time.Instant lastBeat = clock.instant();
    store.inTransaction(
        tx -> tx.updateNodeInstance(ni.registered(lastBeat).heartbeat("RUNNING", null, lastBeat)));
    // The server was down for ten minutes; a new one starts now.
    clock.advance(Duration.ofMinutes(10));
    var restarted =
        new StaticCapacity(
            store,
            provider,
            BOOTSTRAP,
            clock,
            org.openpcs.control.ScalingLog.NONE,
            Duration.ofSeconds(600),
            events::add);
    events.clear();
    restarted.ensure(group, false, runtime);
    assertThat(messages()).isEmpty();
    assertThat(provider.instances.get(ni.instanceId()).terminated()).isFalse();
  }

  @Test
  void aSpotInterruptionNoticeIsReportedAndRepeatedOnesSwitchToOnDemandOnce() {
    fleet.ensure(group, false, runtime);
    for (int round = 0; round < 4; round++) {
      events.clear();
      String current =
          provider.instances.values().stream()
              .filter(i -> !i.terminated())
              .findFirst()
              .orElseThrow()
              .instanceId();
      provider.interrupt(current);
      fleet.ensure(group, false, runtime);
      assertThat(messages())
          .as("round %d", round)
          .contains(
              "spot interruption notice for "
                  + current
                  + " (compute-1); replacing it before it is"
                  + " reclaimed",
              "launched 1 instance for compute-1");
      boolean switched =
          messages().contains("3 spot interruptions in 10 min; launching on-demand for 600 s");
      assertThat(switched).as("round %d", round).isEqualTo(round == 2);
    }
  }

  @Test
  void aBootstrapFailureSaysWhatFailedAndWhenTheNextTryIs() {
    fleet.ensure(group, false, runtime);
    NodeInstance ni = liveInstance();
    store.inTransaction(
        tx -> tx.updateNodeInstance(ni.with("BOOTSTRAP_FAILED", "the script exited with code 3")));
    events.clear();

    fleet.ensure(group, false, runtime);
    assertThat(messages())
        .containsExactly("compute-1: the script exited with code 3; next instance in 5 s");
    assertThat(events.get(0).reason()).isEqualTo("BOOTSTRAP_FAILED");

    clock.advance(Duration.ofSeconds(5));
    fleet.ensure(group, false, runtime);
    assertThat(messages()).endsWith("launched 1 instance for compute-1");
  }

  @Test
  void requeuesByTheControlPlaneAreOneWarningPerJob() {
    new FleetEvents(events::add, clock)
        .requeued(group, List.of(12L, 13L), "node group max lowered");
    assertThat(messages())
        .containsExactly(
            "requeued job 12: node group max lowered", "requeued job 13: node group max lowered");
    assertThat(events).allMatch(e -> e.severity() == Event.Severity.WARNING);
    assertThat(events).allMatch(e -> e.reason().equals("JOB_REQUEUED"));
  }

  @Test
  void aFailingSinkNeverStopsTheFleet() {
    var failing =
        new StaticCapacity(
            store,
            provider,
            BOOTSTRAP,
            clock,
            org.openpcs.control.ScalingLog.NONE,
            Duration.ofSeconds(600),
            e -> {
              throw new IllegalStateException("sink down");
            });
    failing.launchDynamic(group, List.of("compute-2"), runtime);
    assertThat(provider.instances).hasSize(1);
  }

  /** A clock the test moves. */
  static final class MutableClock extends java.time.Clock {
    private volatile java.time.Instant now;

    MutableClock(java.time.Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
