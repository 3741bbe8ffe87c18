package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.store.StaleVersionException;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

class PortAllocatorTest {
  private static final PortAllocator.PortProbe ALL_FREE = port -> true;

  private Store store;
  private String cluster;

  private static Store openStore() {
    return JdbcStore.open("jdbc:h2:mem:ports-" + UUID.randomUUID(), null, null);
  }

  private static String insertCluster(Store store) {
    return store.inTransaction(
        tx -> tx.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("c"))).id());
  }

  @BeforeEach
  void open() {
    store = openStore();
    cluster = insertCluster(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Map<String, Integer> ensure(
      PortAllocator allocator, String clusterId, List<String> owners) {
    return store.inTransaction(tx -> allocator.ensure(tx, clusterId, owners));
  }

  private Map<String, Integer> stored(String clusterId) {
    return store.inTransaction(tx -> tx.portsOf(clusterId));
  }

  @Test
  void givesEveryOwnerADistinctPortFromTheStartOfTheRange() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20099), ALL_FREE);

    Map<String, Integer> ports =
        ensure(allocator, cluster, List.of("slurmctld", "compute-2", "compute-1"));

    // Owners are served in name order, so a fresh cluster's layout is predictable.
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("compute-1", 20000, "compute-2", 20001, "slurmctld", 20002));
    assertThat(stored(cluster)).isEqualTo(ports);
  }

  @Test
  void skipsPortsTheProbeSaysAreBusy() {
    Set<Integer> busy = Set.of(20000, 20002, 20003);
    PortAllocator allocator =
        new PortAllocator(new PortRange(20000, 20099), p -> !busy.contains(p));

    Map<String, Integer> ports = ensure(allocator, cluster, List.of("a", "b", "c"));

    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 20001, "b", 20004, "c", 20005));
  }

  @Test
  void aSecondCallReusesWhatIsAllocatedWithoutProbingAgain() {
    AtomicInteger probes = new AtomicInteger();
    boolean[] hostBusy = {false};
    PortAllocator allocator =
        new PortAllocator(
            new PortRange(20000, 20099),
            p -> {
              probes.incrementAndGet();
              return !hostBusy[0];
            });
    Map<String, Integer> first = ensure(allocator, cluster, List.of("slurmctld", "n-1", "n-2"));
    int probesAfterFirst = probes.get();
    // Our own daemons now listen on those ports; that must not make us move them.
    hostBusy[0] = true;

    Map<String, Integer> second = ensure(allocator, cluster, List.of("n-2", "slurmctld", "n-1"));

    assertThat(second).isEqualTo(first);
    assertThat(probes.get()).isEqualTo(probesAfterFirst);
    assertThat(stored(cluster)).isEqualTo(first);
  }

  @Test
  void aNewOwnerGetsTheNextFreePortAndTheOthersKeepTheirs() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20099), ALL_FREE);
    Map<String, Integer> first = ensure(allocator, cluster, List.of("slurmctld", "n-1"));

    Map<String, Integer> second = ensure(allocator, cluster, List.of("slurmctld", "n-1", "n-2"));

    assertThat(second).containsAllEntriesOf(first).containsEntry("n-2", 20002).hasSize(3);
  }

  @Test
  void ownersNoLongerWantedAreReleasedAndTheirPortsReused() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20099), ALL_FREE);
    ensure(allocator, cluster, List.of("slurmctld", "n-1", "n-2", "n-3"));

    Map<String, Integer> shrunk = ensure(allocator, cluster, List.of("slurmctld", "n-3"));

    assertThat(shrunk).containsOnlyKeys("slurmctld", "n-3");
    assertThat(stored(cluster)).isEqualTo(shrunk);
    Set<Integer> allocated = store.inTransaction(tx -> tx.allocatedPorts());
    assertThat(allocated).containsExactlyInAnyOrderElementsOf(shrunk.values());

    String other = insertCluster(store);
    Map<String, Integer> reused = ensure(allocator, other, List.of("m-1", "m-2"));
    assertThat(reused).containsExactlyInAnyOrderEntriesOf(Map.of("m-1", 20000, "m-2", 20001));
  }

  @Test
  void twoClustersNeverShareAPort() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20099), ALL_FREE);
    String other = insertCluster(store);

    Map<String, Integer> a = ensure(allocator, cluster, List.of("slurmctld", "n-1", "n-2"));
    Map<String, Integer> b = ensure(allocator, other, List.of("slurmctld", "n-1", "n-2"));

    assertThat(b.values()).doesNotContainAnyElementsOf(a.values()).doesNotHaveDuplicates();
    assertThat(stored(cluster)).isEqualTo(a);
    assertThat(stored(other)).isEqualTo(b);
  }

  @Test
  void aRangeTooSmallIsExhaustedAndNothingIsAllocated() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20002), ALL_FREE);

    assertThatThrownBy(() -> ensure(allocator, cluster, List.of("a", "b", "c", "d")))
        .isInstanceOf(PortAllocator.PortsExhaustedException.class)
        .hasMessageContaining("20000-20002");
    // The failed transaction rolled back: the first three were not kept either.
    assertThat(stored(cluster)).isEmpty();

    assertThat(ensure(allocator, cluster, List.of("a", "b", "c"))).hasSize(3);
  }

  @Test
  void busyPortsCanExhaustTheRange() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20009), p -> p >= 20009);

    assertThat(ensure(allocator, cluster, List.of("a"))).containsEntry("a", 20009);
    assertThatThrownBy(() -> ensure(allocator, cluster, List.of("a", "b")))
        .isInstanceOf(PortAllocator.PortsExhaustedException.class);
    assertThat(stored(cluster)).containsExactly(Map.entry("a", 20009));
  }

  @Test
  void anotherClustersPortsCountAgainstTheRange() {
    PortAllocator allocator = new PortAllocator(new PortRange(20000, 20002), ALL_FREE);
    String other = insertCluster(store);
    ensure(allocator, other, List.of("x", "y"));

    assertThat(ensure(allocator, cluster, List.of("a"))).containsEntry("a", 20002);
    assertThatThrownBy(() -> ensure(allocator, cluster, List.of("a", "b")))
        .isInstanceOf(PortAllocator.PortsExhaustedException.class);
  }

  /**
   * Two clusters allocate at the same time (each cluster has its own reconcile key, so this is what
   * two CreateCluster calls in a row do): A reads the allocated ports, then B takes the first free
   * one and commits before A inserts. The probe, called between A's read and its insert, orders the
   * two deterministically. Returns what A's ensure threw, or null.
   */
  private Throwable raceTwoClustersForTheFirstPort() throws Exception {
    String other = insertCluster(store);
    CountDownLatch aProbed = new CountDownLatch(1);
    CountDownLatch bCommitted = new CountDownLatch(1);
    PortAllocator slowA =
        new PortAllocator(
            new PortRange(20000, 20099),
            p -> {
              aProbed.countDown();
              try {
                return bCommitted.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
    PortAllocator fastB = new PortAllocator(new PortRange(20000, 20099), ALL_FREE);
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      Future<Map<String, Integer>> a =
          pool.submit(() -> ensure(slowA, cluster, List.of("slurmctld")));
      assertThat(aProbed.await(5, TimeUnit.SECONDS)).isTrue();
      Map<String, Integer> b = ensure(fastB, other, List.of("slurmctld"));
      bCommitted.countDown();
      assertThat(b).containsEntry("slurmctld", 20000);
      try {
        Map<String, Integer> got = a.get(5, TimeUnit.SECONDS);
        assertThat(got.get("slurmctld")).isNotEqualTo(20000);
        return null;
      } catch (ExecutionException e) {
        return e.getCause();
      } finally {
        assertThat(stored(other)).containsExactly(Map.entry("slurmctld", 20000));
        assertThat(stored(cluster).values()).doesNotContain(20000);
      }
    }
  }

  @Test
  void twoClustersAllocatingAtOnceNeverShareAPort() throws Exception {
    raceTwoClustersForTheFirstPort();
  }

  @Test
  void aLostRaceForAPortIsRetryableNotAFailure() throws Exception {
    Throwable thrown = raceTwoClustersForTheFirstPort();

    assertThat(thrown)
        .satisfiesAnyOf(
            t -> assertThat(t).isNull(),
            t -> assertThat(t).isInstanceOf(StaleVersionException.class));
  }

  @Test
  void theRangeIsValidated() {
    assertThat(PortRange.parse(" 17000 - 19999 ")).isEqualTo(new PortRange(17000, 19999));
    assertThatThrownBy(() -> PortRange.parse("17000")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PortRange(80, 90)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PortRange(2000, 1999))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PortRange(60000, 70000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- a property over random sequences of wanted owners, on one store for all tries

  private static Store shared;

  @BeforeContainer
  static void openShared() {
    shared = openStore();
  }

  @AfterContainer
  static void closeShared() {
    shared.close();
  }

  @Property(tries = 40)
  void everyCallLeavesExactlyTheWantedOwnersWithDistinctStablePortsInRange(@ForAll long seed) {
    Random r = new Random(seed);
    Set<Integer> busy = new HashSet<>();
    for (int p = 21000; p <= 21030; p++) {
      if (r.nextInt(4) == 0) {
        busy.add(p);
      }
    }
    PortAllocator allocator =
        new PortAllocator(new PortRange(21000, 21030), p -> !busy.contains(p));
    String c = insertCluster(shared);
    List<String> pool = List.of("slurmctld", "openpcs.none", "a-1", "a-2", "a-3", "b-1", "b-2");
    Map<String, Integer> previous = Map.of();
    for (int step = 0; step < 5; step++) {
      List<String> wanted = new ArrayList<>();
      for (String o : pool) {
        if (r.nextBoolean()) {
          wanted.add(o);
        }
      }
      Map<String, Integer> now = shared.inTransaction(tx -> allocator.ensure(tx, c, wanted));

      assertThat(now).containsOnlyKeys(wanted);
      assertThat(now.values())
          .doesNotHaveDuplicates()
          .allSatisfy(p -> assertThat(p).isBetween(21000, 21030));
      Map<String, Integer> stored = shared.inTransaction(tx -> tx.portsOf(c));
      assertThat(stored).isEqualTo(now);
      Map<String, Integer> kept = new HashMap<>(previous);
      kept.keySet().retainAll(wanted);
      assertThat(now).containsAllEntriesOf(kept);
      for (Map.Entry<String, Integer> e : now.entrySet()) {
        if (!kept.containsKey(e.getKey())) {
          assertThat(busy).as("newly given port of %s", e.getKey()).doesNotContain(e.getValue());
        }
      }
      previous = now;
    }
    shared.inTransaction(tx -> allocator.ensure(tx, c, List.of()));
    shared.inTransaction(
        tx -> {
          tx.deleteCluster(c);
          return null;
        });
  }
}
