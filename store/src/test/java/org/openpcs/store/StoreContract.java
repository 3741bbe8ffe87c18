package org.openpcs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpcs.store.StoreFixtures.CREATED;
import static org.openpcs.store.StoreFixtures.accessKey;
import static org.openpcs.store.StoreFixtures.cluster;
import static org.openpcs.store.StoreFixtures.clusterSpec;
import static org.openpcs.store.StoreFixtures.idempotency;
import static org.openpcs.store.StoreFixtures.nodeGroup;
import static org.openpcs.store.StoreFixtures.queue;
import static org.openpcs.store.StoreFixtures.uniqueName;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.AccessKey;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Event;
import org.openpcs.domain.IdempotencyRecord;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;

/**
 * The behaviour every {@link Store} must show, run against each implementation by a subclass.
 * Subclasses may share one database between tests, so every test uses fresh random names and only
 * looks at its own rows.
 */
public abstract class StoreContract {
  private static final Instant LATER = Instant.parse("2025-03-05T00:00:00.987654321Z");

  /** Opens a store on this suite's database; opening it again must show the same data. */
  protected abstract Store openStore();

  protected Store store;

  @BeforeEach
  void openTheStore() {
    store = openStore();
  }

  @AfterEach
  void closeTheStore() {
    store.close();
  }

  // --- transactions

  @Test
  void aTransactionOpenedInsideAnotherIsRefusedAndTheOuterOneRollsBack() {
    Cluster cluster = cluster(uniqueName("nest"));
    // A nested transaction would hold a second pooled connection; parallel callers doing that
    // starve the pool. It is a programming error, refused at once.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                store.inTransaction(
                    (StoreTx tx) -> {
                      tx.insertCluster(cluster);
                      return store.inTransaction(
                          (StoreTx inner) -> inner.findCluster(cluster.id()));
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside another");
    java.util.Optional<Cluster> rolledBack =
        store.inTransaction((StoreTx tx) -> tx.findCluster(cluster.id()));
    assertThat(rolledBack).isEmpty();
    // and the thread can open transactions again afterwards
    insert(cluster);
    java.util.Optional<Cluster> found =
        store.inTransaction((StoreTx tx) -> tx.findCluster(cluster.id()));
    assertThat(found).isPresent();
  }

  // --- CRUD and exact round trips

  @Test
  void clusterRoundTripsEveryFieldAndIsFoundByIdOrName() {
    Cluster cluster = cluster(uniqueName("rt"));

    assertThat(tx((StoreTx t) -> t.insertCluster(cluster))).isEqualTo(cluster);

    assertThat(tx((StoreTx t) -> t.findCluster(cluster.id()))).contains(cluster);
    assertThat(tx((StoreTx t) -> t.findCluster(cluster.name()))).contains(cluster);
    assertThat(tx(StoreTx::allClusters)).contains(cluster);
    assertThat(tx((StoreTx t) -> t.findCluster("no-such-cluster"))).isEmpty();
  }

  @Test
  void nullsAndEmptyListsRoundTrip() {
    Cluster base = cluster(uniqueName("nulls"));
    Cluster withNulls =
        new Cluster(
            base.id(),
            base.name(),
            clusterSpec(Size.LARGE),
            ResourceStatus.CREATE_FAILED,
            null,
            List.of(),
            0,
            0,
            0,
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            Instant.EPOCH);

    run(t -> t.insertCluster(withNulls));

    assertThat(tx((StoreTx t) -> t.findCluster(withNulls.id()))).contains(withNulls);
  }

  @Test
  void updateWritesEverythingAndBumpsTheVersion() {
    Cluster cluster = insert(cluster(uniqueName("upd")));
    Cluster changed =
        cluster
            .withObserved(
                ResourceStatus.ACTIVE,
                List.of(new ErrorInfo("Degraded", "one node down")),
                List.of(new Endpoint("SLURMCTLD", "10.0.0.6", "1.2.3.4", null, "6818")),
                1,
                LATER)
            .withSpec(clusterSpec(Size.MEDIUM), ResourceStatus.UPDATING, LATER.plusNanos(1));

    Cluster updated = tx((StoreTx t) -> t.updateCluster(changed));

    assertThat(updated.version()).isEqualTo(cluster.version() + 1);
    assertThat(updated).usingRecursiveComparison().ignoringFields("version").isEqualTo(changed);
    assertThat(tx((StoreTx t) -> t.findCluster(cluster.id()))).contains(updated);
  }

  @Test
  void nodeGroupCrudIsScopedToItsCluster() {
    Cluster cluster = insert(cluster(uniqueName("ngc")));
    Cluster other = insert(cluster(uniqueName("ngo")));
    ComputeNodeGroup first = nodeGroup(cluster.id(), "compute");
    ComputeNodeGroup second = nodeGroup(cluster.id(), "login");

    assertThat(tx((StoreTx t) -> t.insertNodeGroup(first))).isEqualTo(first);
    run(t -> t.insertNodeGroup(second));

    assertThat(tx((StoreTx t) -> t.findNodeGroup(cluster.id(), first.id()))).contains(first);
    assertThat(tx((StoreTx t) -> t.findNodeGroup(cluster.id(), "compute"))).contains(first);
    assertThat(tx((StoreTx t) -> t.findNodeGroup(other.id(), "compute"))).isEmpty();
    assertThat(tx((StoreTx t) -> t.findNodeGroup(other.id(), first.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.nodeGroupsOf(cluster.id()))).containsExactly(first, second);
    assertThat(tx((StoreTx t) -> t.nodeGroupsOf(other.id()))).isEmpty();

    ComputeNodeGroup updated =
        tx(
            (StoreTx t) ->
                t.updateNodeGroup(first.withObserved(ResourceStatus.ACTIVE, List.of(), 1, LATER)));
    assertThat(updated.version()).isEqualTo(first.version() + 1);
    assertThat(tx((StoreTx t) -> t.findNodeGroup(cluster.id(), first.id()))).contains(updated);

    run(t -> t.deleteNodeGroup(first.id()));
    assertThat(tx((StoreTx t) -> t.nodeGroupsOf(cluster.id()))).containsExactly(second);
  }

  @Test
  void queueCrudIsScopedToItsCluster() {
    Cluster cluster = insert(cluster(uniqueName("qc")));
    Cluster other = insert(cluster(uniqueName("qo")));
    ComputeNodeGroup group = insert(nodeGroup(cluster.id(), "compute"));
    Queue queue = queue(cluster.id(), "q1", List.of(group.id()));

    assertThat(tx((StoreTx t) -> t.insertQueue(queue))).isEqualTo(queue);

    assertThat(tx((StoreTx t) -> t.findQueue(cluster.id(), "q1"))).contains(queue);
    assertThat(tx((StoreTx t) -> t.findQueue(cluster.id(), queue.id()))).contains(queue);
    assertThat(tx((StoreTx t) -> t.findQueue(other.id(), "q1"))).isEmpty();
    assertThat(tx((StoreTx t) -> t.queuesOf(cluster.id()))).containsExactly(queue);

    Queue updated =
        tx(
            (StoreTx t) ->
                t.updateQueue(queue.withStatus(ResourceStatus.UPDATING, List.of(), LATER)));
    assertThat(updated.version()).isEqualTo(queue.version() + 1);
    assertThat(tx((StoreTx t) -> t.findQueue(cluster.id(), "q1"))).contains(updated);

    run(t -> t.deleteQueue(queue.id()));
    assertThat(tx((StoreTx t) -> t.queuesOf(cluster.id()))).isEmpty();
  }

  @Test
  void deletingAResourceDeletesItsTagsAndAClusterEverythingUnderIt() {
    Cluster cluster = insert(cluster(uniqueName("del")));
    ComputeNodeGroup group = insert(nodeGroup(cluster.id(), "compute"));
    Queue queue = insert(queue(cluster.id(), "q1", List.of(group.id())));
    ComputeNodeGroup lone = insert(nodeGroup(cluster.id(), "lone"));
    for (String id : List.of(cluster.id(), group.id(), queue.id(), lone.id())) {
      run(t -> t.putTags(id, Map.of("team", "hpc")));
    }

    run(t -> t.deleteNodeGroup(lone.id()));
    assertThat(tx((StoreTx t) -> t.tags(lone.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.tags(group.id()))).containsEntry("team", "hpc");

    run(t -> t.deleteCluster(cluster.id()));
    assertThat(tx((StoreTx t) -> t.findCluster(cluster.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.nodeGroupsOf(cluster.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.queuesOf(cluster.id()))).isEmpty();
    for (String id : List.of(cluster.id(), group.id(), queue.id())) {
      assertThat(tx((StoreTx t) -> t.tags(id))).isEmpty();
    }
    run(t -> t.deleteCluster(cluster.id())); // deleting what is gone is not an error
  }

  // --- uniqueness

  @Test
  void clusterNamesAndIdsAreUniqueServerWide() {
    Cluster cluster = insert(cluster(uniqueName("dup")));
    Cluster sameName = cluster(cluster.name());
    Cluster sameId = withId(cluster(uniqueName("dup")), cluster.id());

    assertThatThrownBy(() -> run(t -> t.insertCluster(sameName)))
        .isInstanceOf(DuplicateNameException.class);
    assertThatThrownBy(() -> run(t -> t.insertCluster(sameId)))
        .isInstanceOf(DuplicateNameException.class);
    assertThat(tx((StoreTx t) -> t.findCluster(cluster.name()))).contains(cluster);
  }

  @Test
  void childNamesAreUniquePerCluster() {
    Cluster one = insert(cluster(uniqueName("u1")));
    Cluster two = insert(cluster(uniqueName("u2")));
    insert(nodeGroup(one.id(), "compute"));
    insert(nodeGroup(two.id(), "compute"));
    insert(queue(one.id(), "compute", List.of())); // another kind may share the name

    assertThatThrownBy(() -> run(t -> t.insertNodeGroup(nodeGroup(one.id(), "compute"))))
        .isInstanceOf(DuplicateNameException.class);
    assertThatThrownBy(() -> run(t -> t.insertQueue(queue(one.id(), "compute", List.of()))))
        .isInstanceOf(DuplicateNameException.class);
    run(t -> t.insertQueue(queue(two.id(), "compute", List.of())));
  }

  @Test
  void aDuplicateLeavesTheTransactionUsable() {
    Cluster existing = insert(cluster(uniqueName("keep")));
    Cluster next = cluster(uniqueName("next"));

    run(
        t -> {
          assertThatThrownBy(() -> t.insertCluster(cluster(existing.name())))
              .isInstanceOf(DuplicateNameException.class);
          t.insertCluster(next);
        });

    assertThat(tx((StoreTx t) -> t.findCluster(next.id()))).contains(next);
  }

  // --- compare-and-set and concurrency

  @Test
  void ofTwoWritersThatReadOneVersionOnlyTheFirstWins() throws Exception {
    Cluster cluster = insert(cluster(uniqueName("cas")));
    CountDownLatch firstRead = new CountDownLatch(1);
    CountDownLatch secondRead = new CountDownLatch(1);
    CountDownLatch firstCommitted = new CountDownLatch(1);

    Cluster winner;
    // Two threads of our own: the common pool may have a single thread on a small machine.
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<Cluster> first =
          threads.submit(
              () -> {
                Cluster written =
                    tx(
                        t -> {
                          Cluster seen = t.findCluster(cluster.id()).orElseThrow();
                          firstRead.countDown();
                          await(secondRead);
                          return t.updateCluster(
                              seen.withStatus(ResourceStatus.ACTIVE, List.of(), LATER));
                        });
                firstCommitted.countDown();
                return written;
              });
      Future<Cluster> second =
          threads.submit(
              () ->
                  tx(
                      t -> {
                        await(firstRead);
                        Cluster seen = t.findCluster(cluster.id()).orElseThrow();
                        secondRead.countDown();
                        await(firstCommitted);
                        return t.updateCluster(
                            seen.withStatus(ResourceStatus.UPDATE_FAILED, List.of(), LATER));
                      }));

      winner = first.get(1, TimeUnit.MINUTES);
      assertThatThrownBy(() -> second.get(1, TimeUnit.MINUTES))
          .cause()
          .isInstanceOf(StaleVersionException.class);
    }
    assertThat(tx((StoreTx t) -> t.findCluster(cluster.id()))).contains(winner);
    assertThat(winner.version()).isEqualTo(cluster.version() + 1);
  }

  @Test
  void updatingADeletedOrStaleRowIsStale() {
    Cluster cluster = insert(cluster(uniqueName("stale")));
    run(t -> t.updateCluster(cluster.withStatus(ResourceStatus.ACTIVE, List.of(), LATER)));

    assertThatThrownBy(() -> run(t -> t.updateCluster(cluster)))
        .isInstanceOf(StaleVersionException.class);
    run(t -> t.deleteCluster(cluster.id()));
    assertThatThrownBy(() -> run(t -> t.updateCluster(cluster)))
        .isInstanceOf(StaleVersionException.class);
  }

  @Test
  void concurrentInsertsOfOneNameLeaveOneRow() {
    String name = uniqueName("race");

    List<Concurrently.Outcome<Cluster>> outcomes =
        Concurrently.run(16, i -> tx((StoreTx t) -> t.insertCluster(cluster(name))));

    assertThat(outcomes.stream().filter(Concurrently.Outcome::ok)).hasSize(1);
    assertThat(outcomes.stream().filter(o -> !o.ok()).map(Concurrently.Outcome::failure))
        .hasSize(15)
        .allMatch(DuplicateNameException.class::isInstance);
    assertThat(tx(StoreTx::allClusters).stream().filter(c -> c.name().equals(name))).hasSize(1);
  }

  @Test
  void readModifyWriteWithRetryLosesNoUpdate() {
    // Several rounds: a lost update in H2's commit showed in about one round of thirty.
    for (int round = 0; round < 30; round++) {
      Cluster cluster = insert(cluster(uniqueName("counter")));
      int threads = 16;
      int incrementsEach = 5;

      List<Concurrently.Outcome<Object>> outcomes =
          Concurrently.run(
              threads,
              i -> {
                for (int n = 0; n < incrementsEach; n++) {
                  bumpGeneration(cluster.id());
                }
                return null;
              });

      assertThat(outcomes).allMatch(Concurrently.Outcome::ok, "no failures");
      Cluster last = tx((StoreTx t) -> t.findCluster(cluster.id())).orElseThrow();
      assertThat(last.generation())
          .as("round %d", round)
          .isEqualTo(cluster.generation() + threads * incrementsEach);
      assertThat(last.version()).isEqualTo(cluster.version() + threads * incrementsEach);
    }
  }

  @Test
  void theClusterSetLockSerialisesAQuotaCheck() {
    String prefix = uniqueName("quota");
    int quota = 5;

    List<Concurrently.Outcome<Boolean>> outcomes =
        Concurrently.run(
            16,
            i ->
                tx(
                    t -> {
                      t.lockClusterSet();
                      if (named(t.allClusters(), prefix).size() >= quota) {
                        return false;
                      }
                      t.insertCluster(cluster(prefix + "-" + i));
                      return true;
                    }));

    assertThat(outcomes).allMatch(Concurrently.Outcome::ok, "no failures");
    assertThat(outcomes.stream().filter(o -> o.value())).hasSize(quota);
    assertThat(named(tx(StoreTx::allClusters), prefix)).hasSize(quota);
  }

  @Test
  void theClusterLockSerialisesAPerClusterQuotaCheck() {
    Cluster cluster = insert(cluster(uniqueName("pcq")));
    int quota = 3;

    List<Concurrently.Outcome<Boolean>> outcomes =
        Concurrently.run(
            16,
            i ->
                tx(
                    t -> {
                      t.lockCluster(cluster.id());
                      if (t.nodeGroupsOf(cluster.id()).size() >= quota) {
                        return false;
                      }
                      t.insertNodeGroup(nodeGroup(cluster.id(), "g" + i));
                      return true;
                    }));

    assertThat(outcomes).allMatch(Concurrently.Outcome::ok, "no failures");
    assertThat(tx((StoreTx t) -> t.nodeGroupsOf(cluster.id()))).hasSize(quota);
  }

  // --- keyset paging

  @Test
  void pagesOfChildrenFollowInsertionOrder() {
    Cluster cluster = insert(cluster(uniqueName("pages")));
    List<Queue> queues = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      queues.add(insert(queue(cluster.id(), "q" + i, List.of())));
    }

    Page<Queue> first = tx((StoreTx t) -> t.listQueues(cluster.id(), 0, 10));
    Page<Queue> second = tx((StoreTx t) -> t.listQueues(cluster.id(), first.lastSeq(), 10));
    Page<Queue> third = tx((StoreTx t) -> t.listQueues(cluster.id(), second.lastSeq(), 10));
    Page<Queue> after = tx((StoreTx t) -> t.listQueues(cluster.id(), third.lastSeq(), 10));

    assertThat(first.items()).containsExactlyElementsOf(queues.subList(0, 10));
    assertThat(second.items()).containsExactlyElementsOf(queues.subList(10, 20));
    assertThat(third.items()).containsExactlyElementsOf(queues.subList(20, 25));
    assertThat(List.of(first.more(), second.more(), third.more()))
        .containsExactly(true, true, false);
    assertThat(first.lastSeq()).isLessThan(second.lastSeq()).isLessThan(third.lastSeq());
    assertThat(after).isEqualTo(new Page<Queue>(List.of(), third.lastSeq(), false));
    assertThat(tx((StoreTx t) -> t.listNodeGroups(cluster.id(), 0, 10).items())).isEmpty();
  }

  @Test
  void pagingWhileRowsComeAndGoShowsEveryStableRowOnce() {
    String prefix = uniqueName("churn");
    List<String> initial = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      initial.add(insert(cluster(prefix + "-" + i)).id());
    }
    List<String> seen = new ArrayList<>();
    Set<String> deletedUnseen = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    Set<String> inserted = new HashSet<>();
    long afterSeq = 0;
    boolean more = true;
    for (int page = 0; more; page++) {
      long from = afterSeq;
      Page<Cluster> result = tx((StoreTx t) -> t.listClusters(from, 10));
      named(result.items(), prefix).forEach(c -> seen.add(c.id()));
      afterSeq = result.lastSeq();
      more = result.more();
      if (page < 2) { // churn between pages: one row behind the cursor, one ahead, two new
        for (String id : List.of(initial.get(page), initial.get(24 - page))) {
          run(t -> t.deleteCluster(id));
          deleted.add(id);
          if (!seen.contains(id)) {
            deletedUnseen.add(id);
          }
        }
        for (int j = 0; j < 2; j++) {
          inserted.add(insert(cluster(prefix + "-new" + page + j)).id());
        }
      }
    }

    List<String> stable = initial.stream().filter(id -> !deleted.contains(id)).toList();
    assertThat(seen).doesNotHaveDuplicates().containsAll(stable).containsAll(inserted);
    assertThat(seen).doesNotContainAnyElementsOf(deletedUnseen);
  }

  // --- tags

  @Test
  void tagsArePutOverwrittenRemovedAndDeleted() {
    String id = StoreFixtures.newId();
    String neighbour = StoreFixtures.newId();
    run(t -> t.putTags(neighbour, Map.of("a", "x")));

    run(t -> t.putTags(id, Map.of("a", "1", "b", "2")));
    run(t -> t.putTags(id, Map.of("b", "3", "c", "")));
    assertThat(tx((StoreTx t) -> t.tags(id))).isEqualTo(Map.of("a", "1", "b", "3", "c", ""));

    run(t -> t.removeTags(id, List.of("a", "missing")));
    assertThat(tx((StoreTx t) -> t.tags(id))).isEqualTo(Map.of("b", "3", "c", ""));

    run(t -> t.deleteAllTags(id));
    assertThat(tx((StoreTx t) -> t.tags(id))).isEmpty();
    assertThat(tx((StoreTx t) -> t.tags(neighbour))).isEqualTo(Map.of("a", "x"));
  }

  // --- idempotency, access keys, settings

  @Test
  void idempotencyRecordsAreUniquePerTokenAndPurgedByAge() {
    // Far-past timestamps that no other test uses, so the purge count is exact.
    Instant old = Instant.parse("1990-01-01T00:00:00.000000001Z");
    Instant cutoff = Instant.parse("1990-01-02T00:00:00Z");
    IdempotencyRecord stale = idempotency(uniqueName("tok"), old);
    IdempotencyRecord fresh = idempotency(uniqueName("tok"), cutoff);
    run(t -> t.insertIdempotency(stale));
    run(t -> t.insertIdempotency(fresh));

    assertThat(tx((StoreTx t) -> t.findIdempotency(stale.clientToken()))).contains(stale);
    assertThatThrownBy(
            () -> run(t -> t.insertIdempotency(idempotency(stale.clientToken(), CREATED))))
        .isInstanceOf(DuplicateNameException.class);

    assertThat(tx((StoreTx t) -> t.purgeIdempotency(cutoff))).isEqualTo(1);
    assertThat(tx((StoreTx t) -> t.findIdempotency(stale.clientToken()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.findIdempotency(fresh.clientToken()))).contains(fresh);
  }

  @Test
  void accessKeysRoundTripAndAreUnique() {
    AccessKey admin = accessKey(true, "bootstrap admin");
    AccessKey plain = accessKey(false, null);
    run(t -> t.insertAccessKey(admin));
    run(t -> t.insertAccessKey(plain));

    assertThat(tx((StoreTx t) -> t.findAccessKey(admin.accessKeyId()))).contains(admin);
    assertThat(tx((StoreTx t) -> t.findAccessKey(plain.accessKeyId()))).contains(plain);
    assertThat(tx(StoreTx::allAccessKeys)).contains(admin, plain);
    assertThatThrownBy(() -> run(t -> t.insertAccessKey(admin)))
        .isInstanceOf(DuplicateNameException.class);

    assertThat(tx((StoreTx t) -> t.deleteAccessKey(admin.accessKeyId()))).isTrue();
    assertThat(tx((StoreTx t) -> t.deleteAccessKey(admin.accessKeyId()))).isFalse();
    assertThat(tx((StoreTx t) -> t.findAccessKey(admin.accessKeyId()))).isEmpty();
  }

  @Test
  void theFirstWriterOfASettingWins() {
    String key = uniqueName("setting");
    assertThat(tx((StoreTx t) -> t.setting(key))).isEmpty();

    List<Concurrently.Outcome<String>> outcomes =
        Concurrently.run(16, i -> tx((StoreTx t) -> t.settingIfAbsent(key, "value-" + i)));

    assertThat(outcomes).allMatch(Concurrently.Outcome::ok, "no failures");
    String winner = outcomes.getFirst().value();
    assertThat(outcomes).allMatch(o -> o.value().equals(winner), "all see " + winner);
    assertThat(tx((StoreTx t) -> t.setting(key))).contains(winner);
    assertThat(tx((StoreTx t) -> t.settingIfAbsent(key, "late"))).isEqualTo(winner);
  }

  // --- durability and atomicity

  @Test
  void dataSurvivesClosingAndReopening() {
    Cluster cluster = insert(cluster(uniqueName("durable")));
    ComputeNodeGroup group = insert(nodeGroup(cluster.id(), "compute"));
    String key = uniqueName("setting");
    run(t -> t.putTags(cluster.id(), Map.of("k", "v")));
    run(t -> t.settingIfAbsent(key, "v1"));

    store.close();
    store = openStore();

    assertThat(tx((StoreTx t) -> t.findCluster(cluster.name()))).contains(cluster);
    assertThat(tx((StoreTx t) -> t.findNodeGroup(cluster.id(), "compute"))).contains(group);
    assertThat(tx((StoreTx t) -> t.tags(cluster.id()))).isEqualTo(Map.of("k", "v"));
    assertThat(tx((StoreTx t) -> t.setting(key))).contains("v1");
  }

  @Test
  void aFailedTransactionLeavesNothingAndRethrowsTheSameException() {
    Cluster cluster = cluster(uniqueName("rollback"));
    ComputeNodeGroup group = nodeGroup(cluster.id(), "compute");
    String key = uniqueName("setting");
    IdempotencyRecord record = idempotency(uniqueName("tok"), CREATED);
    AccessKey accessKey = accessKey(false, "doomed");
    RuntimeException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                run(
                    t -> {
                      t.insertCluster(cluster);
                      t.insertNodeGroup(group);
                      t.putTags(cluster.id(), Map.of("k", "v"));
                      t.settingIfAbsent(key, "v");
                      t.insertIdempotency(record);
                      t.insertAccessKey(accessKey);
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(tx((StoreTx t) -> t.findCluster(cluster.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.findNodeGroup(cluster.id(), group.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.tags(cluster.id()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.setting(key))).isEmpty();
    assertThat(tx((StoreTx t) -> t.findIdempotency(record.clientToken()))).isEmpty();
    assertThat(tx((StoreTx t) -> t.findAccessKey(accessKey.accessKeyId()))).isEmpty();
  }

  @Test
  void aStoreExceptionAlsoRollsBackEarlierWrites() {
    Cluster existing = insert(cluster(uniqueName("exists")));
    Cluster doomed = cluster(uniqueName("doomed"));

    assertThatThrownBy(
            () ->
                run(
                    t -> {
                      t.insertCluster(doomed);
                      t.insertCluster(cluster(existing.name()));
                    }))
        .isInstanceOf(DuplicateNameException.class);

    assertThat(tx((StoreTx t) -> t.findCluster(doomed.id()))).isEmpty();
  }

  // --- events

  @Test
  void eventsRoundTripInInsertionOrderAndAreScopedToTheirCluster() {
    String cluster = StoreFixtures.newId();
    String other = StoreFixtures.newId();
    Event first = event(cluster, "pcs_group00001", CREATED, "CREATING");
    // An earlier time inserted later: order is insertion order, not event time.
    Event second = event(cluster, "pcs_queue00001", CREATED.minusSeconds(5), "ACTIVE");
    Event elsewhere = event(other, other, CREATED, "CREATING");
    run(t -> t.appendEvents(List.of(first, second)));
    run(t -> t.appendEvents(List.of(elsewhere)));

    Page<Event> page = tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, 0, 10)));

    assertThat(page.items()).containsExactly(first, second);
    assertThat(page.more()).isFalse();
    assertThat(tx((StoreTx t) -> t.events(new EventQuery(other, null, null, 0, 10))).items())
        .containsExactly(elsewhere);
    assertThat(tx((StoreTx t) -> t.events(new EventQuery(null, null, null, 0, 100_000))).items())
        .contains(first, second, elsewhere);
  }

  @Test
  void eventsAreFilteredByResourceAndTimeAndPagedByCursor() {
    String cluster = StoreFixtures.newId();
    List<Event> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(
          event(
              cluster,
              i % 2 == 0 ? "pcs_even000001" : "pcs_odd0000001",
              CREATED.plusSeconds(i),
              "R" + i));
    }
    run(t -> t.appendEvents(all));

    assertThat(
            tx((StoreTx t) -> t.events(new EventQuery(cluster, "pcs_odd0000001", null, 0, 10)))
                .items())
        .containsExactly(all.get(1), all.get(3));
    assertThat(
            tx((StoreTx t) ->
                    t.events(new EventQuery(cluster, null, CREATED.plusSeconds(3), 0, 10)))
                .items())
        .containsExactly(all.get(3), all.get(4));

    Page<Event> one = tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, 0, 2)));
    assertThat(one.items()).containsExactly(all.get(0), all.get(1));
    assertThat(one.more()).isTrue();
    Page<Event> two =
        tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, one.lastSeq(), 2)));
    assertThat(two.items()).containsExactly(all.get(2), all.get(3));
    Page<Event> three =
        tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, two.lastSeq(), 2)));
    assertThat(three.items()).containsExactly(all.get(4));
    assertThat(three.more()).isFalse();

    // A follower's cursor at the end sees nothing, then exactly what is appended after it.
    Page<Event> none =
        tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, three.lastSeq(), 2)));
    assertThat(none.items()).isEmpty();
    assertThat(none.lastSeq()).isEqualTo(three.lastSeq());
    Event late = event(cluster, cluster, CREATED.plusSeconds(9), "LATE");
    run(t -> t.appendEvents(List.of(late)));
    assertThat(
            tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, none.lastSeq(), 2)))
                .items())
        .containsExactly(late);
  }

  @Test
  void purgingEventsRemovesOnlyThoseBeforeTheCutoff() {
    String cluster = StoreFixtures.newId();
    // Years no other test uses, so the purge count is exact on a shared database.
    Event old = event(cluster, cluster, Instant.parse("1981-01-01T00:00:00Z"), "OLD");
    Event kept = event(cluster, cluster, Instant.parse("1981-06-01T00:00:00.000000001Z"), "KEPT");
    run(t -> t.appendEvents(List.of(old, kept)));

    int purged = tx((StoreTx t) -> t.purgeEvents(Instant.parse("1981-06-01T00:00:00Z")));

    assertThat(purged).isEqualTo(1);
    assertThat(tx((StoreTx t) -> t.events(new EventQuery(cluster, null, null, 0, 10))).items())
        .containsExactly(kept);
  }

  private static Event event(String clusterId, String resourceId, Instant time, String reason) {
    return new Event(
        time,
        clusterId,
        resourceId.equals(clusterId) ? ResourceKind.CLUSTER : ResourceKind.COMPUTE_NODE_GROUP,
        resourceId,
        Event.Severity.WARNING,
        reason,
        "message of " + reason + " with ünïcödé");
  }

  // --- helpers

  private <T> T tx(Function<StoreTx, T> work) {
    return store.inTransaction(work);
  }

  private void run(Consumer<StoreTx> work) {
    store.inTransaction(
        t -> {
          work.accept(t);
          return null;
        });
  }

  private Cluster insert(Cluster cluster) {
    return tx((StoreTx t) -> t.insertCluster(cluster));
  }

  private ComputeNodeGroup insert(ComputeNodeGroup group) {
    return tx((StoreTx t) -> t.insertNodeGroup(group));
  }

  private Queue insert(Queue queue) {
    return tx((StoreTx t) -> t.insertQueue(queue));
  }

  /** One read-modify-write of a spec change, retried until no concurrent writer interferes. */
  private void bumpGeneration(String clusterId) {
    while (true) {
      try {
        run(
            t -> {
              Cluster current = t.findCluster(clusterId).orElseThrow();
              t.updateCluster(current.withSpec(current.spec(), current.status(), LATER));
            });
        return;
      } catch (StaleVersionException lost) {
        // another writer won this round: read again
      }
    }
  }

  private static List<Cluster> named(List<Cluster> clusters, String prefix) {
    return clusters.stream().filter(c -> c.name().startsWith(prefix + "-")).toList();
  }

  private static Cluster withId(Cluster c, String id) {
    return new Cluster(
        id,
        c.name(),
        c.spec(),
        c.status(),
        c.errorInfo(),
        c.endpoints(),
        c.generation(),
        c.observedGeneration(),
        c.version(),
        c.createdAt(),
        c.modifiedAt());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the other transaction never got there");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- cluster runtime state

  @Test
  void clusterSecretIsWrittenOnceAndGoesWithTheCluster() {
    Cluster c = tx(t -> t.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("sec"))));
    tx(
        t -> {
          t.putClusterSecret(c.id(), "sealed-1");
          return null;
        });
    assertThatThrownBy(
            () ->
                tx(
                    t -> {
                      t.putClusterSecret(c.id(), "sealed-2");
                      return null;
                    }))
        .isInstanceOf(DuplicateNameException.class);
    java.util.Optional<String> secret = tx(t -> t.clusterSecret(c.id()));
    assertThat(secret).contains("sealed-1");
    tx(
        t -> {
          t.deleteCluster(c.id());
          return null;
        });
    java.util.Optional<String> gone = tx(t -> t.clusterSecret(c.id()));
    assertThat(gone).isEmpty();
  }

  @Test
  void aPortBelongsToOneOwnerAcrossClusters() {
    Cluster a = tx(t -> t.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("pa"))));
    Cluster b = tx(t -> t.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("pb"))));
    int port = 40000 + (int) (Math.random() * 20000);
    tx(
        t -> {
          t.allocatePort(a.id(), "slurmctld", port);
          t.allocatePort(a.id(), "compute-1", port + 1);
          return null;
        });
    assertThatThrownBy(
            () ->
                tx(
                    t -> {
                      t.allocatePort(b.id(), "slurmctld", port);
                      return null;
                    }))
        .isInstanceOf(DuplicateNameException.class);
    Map<String, Integer> ports = tx(t -> t.portsOf(a.id()));
    assertThat(ports).containsEntry("slurmctld", port).containsEntry("compute-1", port + 1);
    Set<Integer> all = tx(t -> t.allocatedPorts());
    assertThat(all).contains(port, port + 1);
    tx(
        t -> {
          t.releasePorts(a.id(), java.util.List.of("compute-1"));
          return null;
        });
    Map<String, Integer> left = tx(t -> t.portsOf(a.id()));
    assertThat(left).containsOnlyKeys("slurmctld");
    tx(
        t -> {
          t.deleteCluster(a.id());
          return null;
        });
    Set<Integer> after = tx(t -> t.allocatedPorts());
    assertThat(after).doesNotContain(port);
  }

  @Test
  void nodeInstancesRoundTripAndUpdateByCompareAndSet() {
    Cluster c = tx(t -> t.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("ni"))));
    var launched =
        new org.openpcs.domain.NodeInstance(
            "b-" + StoreFixtures.newId(),
            c.id(),
            "pcs_group00001",
            "compute-1",
            null,
            "c5.large",
            "tok-1",
            "LAUNCHING",
            null,
            StoreFixtures.CREATED,
            null,
            null,
            0);
    tx(
        t -> {
          t.insertNodeInstance(launched);
          return null;
        });
    java.util.Optional<org.openpcs.domain.NodeInstance> found =
        tx(t -> t.findNodeInstance(launched.bootstrapId()));
    assertThat(found).contains(launched);
    var withId = tx(t -> t.updateNodeInstance(launched.withInstanceId("i-0123456789abcdef0")));
    assertThat(withId.version()).isEqualTo(1);
    var registered = tx(t -> t.updateNodeInstance(withId.registered(StoreFixtures.MODIFIED)));
    List<org.openpcs.domain.NodeInstance> listed = tx(t -> t.nodeInstancesOf(c.id()));
    assertThat(listed).containsExactly(registered);
    assertThatThrownBy(() -> tx(t -> t.updateNodeInstance(withId.with("RUNNING", "stale"))))
        .isInstanceOf(StaleVersionException.class);
    tx(
        t -> {
          t.deleteCluster(c.id());
          return null;
        });
    java.util.Optional<org.openpcs.domain.NodeInstance> none =
        tx(t -> t.findNodeInstance(launched.bootstrapId()));
    assertThat(none).isEmpty();
  }
}
