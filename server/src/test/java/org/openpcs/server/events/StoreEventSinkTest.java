package org.openpcs.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.store.EventQuery;
import org.openpcs.store.Store;
import org.openpcs.store.StoreTx;
import org.openpcs.store.jdbc.JdbcStore;

class StoreEventSinkTest {
  private final Store real = JdbcStore.open("jdbc:h2:mem:sink-" + UUID.randomUUID(), null, null);

  @AfterEach
  void closeStore() {
    real.close();
  }

  /** A real store whose transactions wait until the test lets them through. */
  static final class HangingStore implements Store {
    final Store delegate;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HangingStore(Store delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(Function<StoreTx, T> work) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return delegate.inTransaction(work);
    }

    @Override
    public String describe() {
      return "hanging " + delegate.describe();
    }

    @Override
    public void close() {}
  }

  @Test
  void eventsAreStoredInOrder() throws Exception {
    try (StoreEventSink sink = new StoreEventSink(real)) {
      for (int i = 0; i < 1200; i++) {
        sink.emit(event("R" + i));
      }
      awaitWritten(sink, 1200);
      assertThat(sink.dropped()).isZero();
    }
    List<Event> stored = stored(2000);
    assertThat(stored).hasSize(1200);
    assertThat(stored.getFirst().reason()).isEqualTo("R0");
    assertThat(stored.getLast().reason()).isEqualTo("R1199");
  }

  @Test
  void aHangingStoreNeverSlowsEmitAndOverflowIsCounted() throws Exception {
    HangingStore hanging = new HangingStore(real);
    StoreEventSink sink = new StoreEventSink(hanging, 10);
    try {
      sink.emit(event("first"));
      assertThat(hanging.entered.await(10, TimeUnit.SECONDS)).isTrue();

      long start = System.nanoTime();
      for (int i = 0; i < 5_000; i++) {
        sink.emit(event("E" + i));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // 5,000 offers to a full queue cost microseconds each; waiting on the store would cost
      // the whole test timeout.
      assertThat(took).isLessThan(Duration.ofSeconds(1));
      assertThat(sink.queued()).isEqualTo(10);
      assertThat(sink.dropped()).isEqualTo(5_000 - 10);

      hanging.release.countDown();
      awaitWritten(sink, 11);
      assertThat(sink.dropped()).isEqualTo(5_000 - 10);
      assertThat(stored(100)).extracting(Event::reason).startsWith("first", "E0").hasSize(11);
    } finally {
      hanging.release.countDown();
      sink.close();
    }
  }

  @Test
  void aFailingStoreDropsTheBatchAndKeepsGoing() throws Exception {
    Store failing =
        new Store() {
          @Override
          public <T> T inTransaction(Function<StoreTx, T> work) {
            throw new org.openpcs.store.StoreUnavailableException("database is down", null);
          }

          @Override
          public String describe() {
            return "failing";
          }

          @Override
          public void close() {}
        };
    try (StoreEventSink sink = new StoreEventSink(failing)) {
      sink.emit(event("lost"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sink.dropped() < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(sink.dropped()).isEqualTo(1);
      assertThat(sink.written()).isZero();
    }
  }

  @Test
  void closeWritesWhatIsQueuedAndLaterEmitsAreDropped() {
    StoreEventSink sink = new StoreEventSink(real);
    for (int i = 0; i < 50; i++) {
      sink.emit(event("Q" + i));
    }
    sink.close();
    sink.emit(event("late"));

    assertThat(stored(100)).hasSize(50);
    assertThat(sink.dropped()).isEqualTo(1);
  }

  private List<Event> stored(int limit) {
    return real.inTransaction(tx -> tx.events(new EventQuery(null, null, null, 0, limit))).items();
  }

  private static void awaitWritten(StoreEventSink sink, long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (sink.written() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(sink.written()).isEqualTo(n);
  }

  private static Event event(String reason) {
    return new Event(
        Instant.parse("2026-01-01T00:00:00Z"),
        "pcs_cluster001",
        ResourceKind.CLUSTER,
        "pcs_cluster001",
        Event.Severity.INFO,
        reason,
        "test event " + reason);
  }
}
