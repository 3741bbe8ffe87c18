package org.openpcs.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

class LifecycleReconcilerTest {
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00.123456789Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Endpoint CTLD = new Endpoint("SLURMCTLD", "10.0.0.1", null, null, "17000");
  private static final ErrorInfo BROKEN = new ErrorInfo("SlurmctldFailed", "openpcs: it broke");

  /** A backend whose answers the test sets; it counts calls and can run a hook mid-call. */
  static final class FakeBackend<T> implements ResourceBackend<T> {
    Function<T, Outcome> converge = r -> Outcome.ready();
    Function<T, Outcome> remove = r -> Outcome.ready();
    final AtomicInteger converges = new AtomicInteger();
    final AtomicInteger removes = new AtomicInteger();

    @Override
    public Outcome converge(T resource) {
      converges.incrementAndGet();
      return converge.apply(resource);
    }

    @Override
    public Outcome remove(T resource) {
      removes.incrementAndGet();
      return remove.apply(resource);
    }
  }

  private Store store;
  private final FakeBackend<Cluster> backend = new FakeBackend<>();
  private LifecycleReconciler<Cluster> reconciler;

  @BeforeEach
  void open() {
    store = JdbcStore.open("jdbc:h2:mem:lifecycle-" + UUID.randomUUID(), null, null);
    reconciler = new LifecycleReconciler<>(store, new ClusterAccess(), backend, CLOCK);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Cluster insert(ResourceStatus status) {
    Cluster c = TestResources.cluster(StoreFixtures.newId(), Size.SMALL, 600);
    Cluster withStatus = c.withStatus(status, List.of(), c.createdAt());
    return store.inTransaction(tx -> tx.insertCluster(withStatus));
  }

  private Optional<Cluster> reload(Cluster c) {
    return store.inTransaction(tx -> tx.findCluster(c.id()));
  }

  private Reconciler.Result reconcile(Cluster c) {
    return reconciler.reconcile(ResourceKey.cluster(c.id()));
  }

  @Test
  void creatingBecomesActiveWhenTheBackendIsReady() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Ready(List.of(CTLD));

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(after.observedGeneration()).isEqualTo(after.generation()).isEqualTo(1);
    assertThat(after.endpoints()).containsExactly(CTLD);
    assertThat(after.errorInfo()).isEmpty();
    assertThat(after.modifiedAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
    assertThat(after.version()).isEqualTo(c.version() + 1);
    assertThat(after.spec()).isEqualTo(c.spec());
  }

  @Test
  void readyNotesAreShownAsErrorInfoOnAnActiveResource() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Ready(List.of(CTLD), List.of(BROKEN));

    reconcile(c);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(after.errorInfo()).containsExactly(BROKEN);
  }

  @Test
  void aReadyResourceWithSomethingDueLaterIsWrittenAndLookedAtAgainThen() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Ready(List.of(CTLD), List.of(), Duration.ofSeconds(7));

    assertThat(reconcile(c)).isEqualTo(Reconciler.requeueAfter(Duration.ofSeconds(7)));

    assertThat(reload(c).orElseThrow().status()).isEqualTo(ResourceStatus.ACTIVE);
  }

  @Test
  void aConvergedResourceIsNotRewritten() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Ready(List.of(CTLD));
    reconcile(c);
    Cluster active = reload(c).orElseThrow();

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    assertThat(reload(c).orElseThrow().version()).isEqualTo(active.version());
    assertThat(backend.converges).hasValue(2);
  }

  @Test
  void aFailedCreateEndsInCreateFailedWithTheErrors() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Failed(List.of(BROKEN));

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.CREATE_FAILED);
    assertThat(after.errorInfo()).containsExactly(BROKEN);
    assertThat(after.observedGeneration()).isEqualTo(after.generation());
  }

  @Test
  void aFailedUpdateEndsInUpdateFailed() {
    Cluster c = insert(ResourceStatus.UPDATING);
    backend.converge = r -> new Outcome.Failed(List.of(BROKEN));

    reconcile(c);

    assertThat(reload(c).orElseThrow().status()).isEqualTo(ResourceStatus.UPDATE_FAILED);
  }

  @Test
  void anActiveResourceThatBreaksStaysActiveWithTheReasonAndIsRetried() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Ready(List.of(CTLD));
    reconcile(c);
    backend.converge = r -> new Outcome.Failed(List.of(BROKEN));

    Reconciler.Result result = reconcile(c);

    assertThat(result).isInstanceOf(Reconciler.Result.RequeueAfter.class);
    Cluster broken = reload(c).orElseThrow();
    assertThat(broken.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(broken.errorInfo()).containsExactly(BROKEN);
    // A failure report says nothing about endpoints: the ones clients use stay.
    assertThat(broken.endpoints()).containsExactly(CTLD);

    // The same failure again is not written again.
    assertThat(reconcile(c)).isInstanceOf(Reconciler.Result.RequeueAfter.class);
    assertThat(reload(c).orElseThrow().version()).isEqualTo(broken.version());

    // Repaired: the reason goes away.
    backend.converge = r -> new Outcome.Ready(List.of(CTLD));
    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);
    assertThat(reload(c).orElseThrow().errorInfo()).isEmpty();
  }

  @Test
  void aBackendThatThrowsIsAnInternalErrorInErrorInfo() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge =
        r -> {
          throw new IllegalStateException("disk full");
        };

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.CREATE_FAILED);
    assertThat(after.errorInfo()).containsExactly(new ErrorInfo("InternalError", "disk full"));
  }

  @Test
  void aBackendThatThrowsOnAnActiveResourceLeavesItActive() {
    Cluster c = insert(ResourceStatus.ACTIVE);
    backend.converge =
        r -> {
          throw new IllegalStateException("scontrol hung");
        };

    assertThat(reconcile(c)).isInstanceOf(Reconciler.Result.RequeueAfter.class);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(after.errorInfo()).containsExactly(new ErrorInfo("InternalError", "scontrol hung"));
  }

  @Test
  void inProgressRequeuesAfterTheBackendsRecheckAndWritesNothing() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.InProgress(Duration.ofSeconds(3));

    assertThat(reconcile(c)).isEqualTo(Reconciler.requeueAfter(Duration.ofSeconds(3)));

    assertThat(reload(c).orElseThrow()).isEqualTo(c);
  }

  @Test
  void deletingAndReadyRemovesTheRow() {
    Cluster c = insert(ResourceStatus.DELETING);

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    assertThat(reload(c)).isEmpty();
    assertThat(backend.removes).hasValue(1);
    assertThat(backend.converges).hasValue(0);
  }

  @Test
  void deletingInProgressRequeuesAndKeepsTheRow() {
    Cluster c = insert(ResourceStatus.DELETING);
    backend.remove = r -> new Outcome.InProgress(Duration.ofMillis(250));

    assertThat(reconcile(c)).isEqualTo(Reconciler.requeueAfter(Duration.ofMillis(250)));

    assertThat(reload(c)).contains(c);
  }

  @Test
  void aDeleteThatFailsEndsInDeleteFailed() {
    Cluster c = insert(ResourceStatus.DELETING);
    backend.remove = r -> new Outcome.Failed(List.of(BROKEN));

    reconcile(c);

    Cluster after = reload(c).orElseThrow();
    assertThat(after.status()).isEqualTo(ResourceStatus.DELETE_FAILED);
    assertThat(after.errorInfo()).containsExactly(BROKEN);
  }

  @ParameterizedTest
  @EnumSource(
      value = ResourceStatus.class,
      names = {"CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED", "SUSPENDED", "SUSPENDING"})
  void settledFailuresAreLeftAlone(ResourceStatus status) {
    Cluster c = insert(status);

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);

    assertThat(backend.converges).hasValue(0);
    assertThat(backend.removes).hasValue(0);
    assertThat(reload(c)).contains(c);
  }

  @Test
  void aResourceThatIsGoneIsDone() {
    assertThat(reconciler.reconcile(ResourceKey.cluster("pcs_nothere00")))
        .isEqualTo(Reconciler.DONE);
    assertThat(backend.converges).hasValue(0);
  }

  @Test
  void aSpecChangeDuringThePassIsNotLostAndIsConvergedNext() {
    Cluster c = insert(ResourceStatus.CREATING);
    ClusterSpec newSpec =
        new ClusterSpec(
            c.spec().schedulerType(),
            c.spec().schedulerVersion(),
            c.spec().size(),
            c.spec().networking(),
            new ClusterSpec.SlurmConfig(1200, List.of(), List.of(), List.of(), "NONE", -1, "NONE"));
    AtomicInteger apiWrites = new AtomicInteger();
    backend.converge =
        r -> {
          // The API updates the spec while the backend works on the version it was given.
          if (apiWrites.getAndIncrement() == 0) {
            store.inTransaction(
                tx -> {
                  Cluster current = tx.findCluster(r.id()).orElseThrow();
                  return tx.updateCluster(current.withSpec(newSpec, ResourceStatus.UPDATING, NOW));
                });
          }
          return new Outcome.Ready(List.of(CTLD));
        };

    Reconciler.Result first = reconcile(c);

    assertThat(first).isInstanceOf(Reconciler.Result.RequeueAfter.class);
    Cluster afterFirst = reload(c).orElseThrow();
    assertThat(afterFirst.spec()).isEqualTo(newSpec);
    assertThat(afterFirst.status()).isEqualTo(ResourceStatus.UPDATING);
    assertThat(afterFirst.generation()).isEqualTo(2);
    assertThat(afterFirst.observedGeneration()).isEqualTo(0);

    assertThat(reconcile(c)).isEqualTo(Reconciler.DONE);
    Cluster afterSecond = reload(c).orElseThrow();
    assertThat(afterSecond.spec()).isEqualTo(newSpec);
    assertThat(afterSecond.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(afterSecond.observedGeneration()).isEqualTo(2);
  }

  @Test
  void allKeysListsEveryCluster() {
    Cluster a = insert(ResourceStatus.ACTIVE);
    Cluster b = insert(ResourceStatus.DELETING);

    assertThat(reconciler.allKeys())
        .containsExactlyInAnyOrder(ResourceKey.cluster(a.id()), ResourceKey.cluster(b.id()));
  }

  @Test
  void childKindsFollowTheSameLifecycle() {
    Cluster c = insert(ResourceStatus.ACTIVE);
    ComputeNodeGroup g =
        store.inTransaction(
            tx ->
                tx.insertNodeGroup(
                    TestResources.group(StoreFixtures.newId(), c.id(), "compute", 0, 2, "t")
                        .withStatus(ResourceStatus.CREATING, List.of(), NOW)));
    Queue q =
        store.inTransaction(
            tx ->
                tx.insertQueue(
                    TestResources.queue(
                        StoreFixtures.newId(), c.id(), "q1", ResourceStatus.DELETING, g.id())));
    FakeBackend<ComputeNodeGroup> groups = new FakeBackend<>();
    FakeBackend<Queue> queues = new FakeBackend<>();
    var groupReconciler = new LifecycleReconciler<>(store, new NodeGroupAccess(), groups, CLOCK);
    var queueReconciler = new LifecycleReconciler<>(store, new QueueAccess(), queues, CLOCK);

    assertThat(groupReconciler.reconcile(ResourceKey.nodeGroup(c.id(), g.id())))
        .isEqualTo(Reconciler.DONE);
    assertThat(queueReconciler.reconcile(ResourceKey.queue(c.id(), q.id())))
        .isEqualTo(Reconciler.DONE);

    ComputeNodeGroup activeGroup =
        store.inTransaction(tx -> tx.findNodeGroup(c.id(), g.id())).orElseThrow();
    assertThat(activeGroup.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(activeGroup.observedGeneration()).isEqualTo(activeGroup.generation());
    Optional<Queue> queueAfter = store.inTransaction(tx -> tx.findQueue(c.id(), q.id()));
    assertThat(queueAfter).isEmpty();
    assertThat(groupReconciler.allKeys()).containsExactly(ResourceKey.nodeGroup(c.id(), g.id()));
    assertThat(queueReconciler.allKeys()).isEmpty();
  }
}
