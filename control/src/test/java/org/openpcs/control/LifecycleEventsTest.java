package org.openpcs.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

/** The lifecycle events {@link LifecycleReconciler} emits, on a real (in-memory H2) store. */
class LifecycleEventsTest {
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00.123456789Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ErrorInfo BROKEN = new ErrorInfo("SlurmctldFailed", "openpcs: it broke");

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final LifecycleReconcilerTest.FakeBackend<Cluster> backend =
      new LifecycleReconcilerTest.FakeBackend<>();
  private Store store;
  private LifecycleReconciler<Cluster> reconciler;

  @BeforeEach
  void open() {
    store = JdbcStore.open("jdbc:h2:mem:events-" + UUID.randomUUID(), null, null);
    reconciler = new LifecycleReconciler<>(store, new ClusterAccess(), backend, CLOCK, events::add);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aCreateIsAnnouncedOnceThenReportedActive() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.InProgress(java.time.Duration.ofMillis(1));
    reconcile(c);
    reconcile(c);
    backend.converge = r -> Outcome.ready();
    reconcile(c);
    reconcile(c);

    assertThat(reasons()).containsExactly("CREATING", "ACTIVE");
    Event active = events.get(1);
    assertThat(active.clusterId()).isEqualTo(c.id());
    assertThat(active.resourceId()).isEqualTo(c.id());
    assertThat(active.resourceKind()).isEqualTo(ResourceKind.CLUSTER);
    assertThat(active.severity()).isEqualTo(Event.Severity.INFO);
    assertThat(active.time()).isEqualTo(NOW);
    assertThat(active.message()).contains(c.name()).contains("ACTIVE");
  }

  @Test
  void aFailedCreateIsAnErrorNamingTheErrorInfo() {
    Cluster c = insert(ResourceStatus.CREATING);
    backend.converge = r -> new Outcome.Failed(List.of(BROKEN));

    reconcile(c);

    assertThat(reasons()).containsExactly("CREATING", "CREATE_FAILED");
    Event failed = events.get(1);
    assertThat(failed.severity()).isEqualTo(Event.Severity.ERROR);
    assertThat(failed.message()).contains("SlurmctldFailed").contains("openpcs: it broke");
  }

  @Test
  void anActiveResourceThatBreaksAndRecoversIsReportedOnceEach() {
    Cluster c = insert(ResourceStatus.ACTIVE);
    backend.converge = r -> new Outcome.Failed(List.of(BROKEN));
    reconcile(c);
    reconcile(c);
    backend.converge = r -> Outcome.ready();
    reconcile(c);
    reconcile(c);

    assertThat(reasons()).containsExactly("DEGRADED", "RECOVERED");
    assertThat(events.get(0).severity()).isEqualTo(Event.Severity.WARNING);
  }

  @Test
  void aDeleteIsAnnouncedThenReportedDone() {
    Cluster c = insert(ResourceStatus.DELETING);

    reconcile(c);

    assertThat(reasons()).containsExactly("DELETING", "DELETED");
  }

  @Test
  void aFailedDeleteIsAnError() {
    Cluster c = insert(ResourceStatus.DELETING);
    backend.remove = r -> new Outcome.Failed(List.of(BROKEN));

    reconcile(c);

    assertThat(reasons()).containsExactly("DELETING", "DELETE_FAILED");
    assertThat(events.get(1).severity()).isEqualTo(Event.Severity.ERROR);
  }

  private List<String> reasons() {
    return events.stream().map(Event::reason).toList();
  }

  private Cluster insert(ResourceStatus status) {
    Cluster c = TestResources.cluster(StoreFixtures.newId(), Size.SMALL, 600);
    Cluster withStatus = c.withStatus(status, List.of(), c.createdAt());
    return store.inTransaction(tx -> tx.insertCluster(withStatus));
  }

  private void reconcile(Cluster c) {
    reconciler.reconcile(ResourceKey.cluster(c.id()));
  }
}
