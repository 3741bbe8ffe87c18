package org.openpcs.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpcs.store.StoreFixtures.cluster;
import static org.openpcs.store.StoreFixtures.nodeGroup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.domain.AccessKey;
import org.openpcs.domain.Cluster;
import org.openpcs.store.StoreTx;
import org.openpcs.store.StoreUnavailableException;

/** What is specific to the JDBC adapter rather than to the port (see StoreContract for that). */
class JdbcStoreIT {
  @TempDir Path dataDir;

  @Test
  void theEmbeddedDatabaseLivesInTheDataDirectory() {
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      Path file = dataDir.toAbsolutePath().resolve("openpcs.mv.db");
      assertThat(file).exists();
      assertThat(store.describe()).isEqualTo("H2 " + file);
    }
  }

  @Test
  void anInMemoryDatabaseWorksForAsLongAsTheStoreIsOpen() {
    try (JdbcStore store = JdbcStore.open("jdbc:h2:mem:jdbcstoreit", "sa", "")) {
      Cluster cluster = cluster("mem-1");
      store.inTransaction(tx -> tx.insertCluster(cluster));
      assertThat(store.inTransaction((StoreTx tx) -> tx.findCluster("mem-1"))).contains(cluster);
      assertThat(store.describe()).isEqualTo("H2 mem:jdbcstoreit");
    }
  }

  @Test
  void onH2AWriterWaitsForTheCommitOfTheWriterBeforeItButReadersDoNot() throws Exception {
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      store.inTransaction(tx -> tx.insertCluster(cluster("gate-1")));
      CountDownLatch firstWrote = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean firstCommitted = new AtomicBoolean();
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        Future<?> first =
            threads.submit(
                () ->
                    store.inTransaction(
                        tx -> {
                          tx.insertCluster(cluster("gate-2"));
                          firstWrote.countDown();
                          await(release);
                          firstCommitted.set(true); // the commit follows at once
                          return null;
                        }));
        await(firstWrote);
        // A reader is not held up by the open writer...
        assertThat(store.inTransaction((StoreTx tx) -> tx.findCluster("gate-1"))).isPresent();
        // ...a second writer is, until the first one's commit has returned.
        Future<Boolean> second =
            threads.submit(
                () ->
                    store.inTransaction(
                        tx -> {
                          tx.insertCluster(cluster("gate-3"));
                          return tx.findCluster("gate-2").isPresent();
                        }));
        assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(second.get(10, TimeUnit.SECONDS)).as("saw the first writer's row").isTrue();
        assertThat(firstCommitted).isTrue();
      } finally {
        release.countDown();
        threads.shutdownNow();
      }
    }
  }

  @Test
  void onH2ReadersGetAConnectionWhileManyWritersQueueAtTheGate() throws Exception {
    int queued = 40; // fewer than the pool: the holder, 40 writers and a reader fit
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      store.inTransaction(tx -> tx.insertCluster(cluster("queue-0")));
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<Thread> started = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService threads =
          Executors.newFixedThreadPool(
              queued + 2,
              r -> {
                Thread t = new Thread(r);
                started.add(t);
                return t;
              });
      try {
        threads.submit(
            () ->
                store.inTransaction(
                    tx -> {
                      tx.insertCluster(cluster("queue-holder"));
                      holding.countDown();
                      await(release);
                      return null;
                    }));
        await(holding);
        List<Future<?>> writers = new java.util.ArrayList<>();
        for (int i = 1; i <= queued; i++) {
          String name = "queue-" + i;
          writers.add(
              threads.submit(() -> store.inTransaction(tx -> tx.insertCluster(cluster(name)))));
        }
        // every writer has its connection and waits at the gate
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waitingAtTheGate(started) < queued) {
          assertThat(System.nanoTime()).as("40 writers waiting at the gate").isLessThan(deadline);
          Thread.sleep(10);
        }
        assertThat(writers).noneMatch(Future::isDone);
        // With a pool no larger than the queue (8 connections until D45), the reader waited here
        // until the holder committed, and after 30 s failed.
        Future<Boolean> reader =
            threads.submit(
                () -> store.inTransaction((StoreTx tx) -> tx.findCluster("queue-0")).isPresent());
        assertThat(reader.get(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Future<?> w : writers) {
          w.get(10, TimeUnit.SECONDS);
        }
      } finally {
        release.countDown();
        threads.shutdownNow();
      }
    }
  }

  /** How many of the threads are parked inside the write gate. */
  private static long waitingAtTheGate(List<Thread> threads) {
    return threads.stream()
        .filter(
            t ->
                java.util.Arrays.stream(t.getStackTrace())
                    .anyMatch(f -> f.getClassName().startsWith(WriteGate.class.getName())))
        .count();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void unsupportedDatabasesAreRefused() {
    assertThatThrownBy(() -> JdbcStore.open("jdbc:sqlite:/tmp/x.db", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:");
  }

  @Test
  void anUnreachableServerIsUnavailableAndTheMessageHasNoPassword() {
    assertThatThrownBy(
            () -> JdbcStore.open("jdbc:postgresql://127.0.0.1:1/openpcs", "pcs", "hunter2"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("PostgreSQL 127.0.0.1:1/openpcs")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aStoreTxCannotBeUsedAfterItsTransaction() {
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      StoreTx leaked = store.inTransaction(tx -> tx);

      assertThatThrownBy(leaked::allClusters).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void databaseRefusalsOtherThanDuplicatesAreUnavailable() {
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      // A child of a missing cluster breaks the foreign key: callers find or lock the cluster
      // first.
      assertThatThrownBy(
              () -> store.inTransaction(tx -> tx.insertNodeGroup(nodeGroup("pcs_missing000", "g"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("SQLState 23506"); // H2's code; PostgreSQL says 23503
    }
  }

  @Test
  void timestampsOutsideTheStorableRangeAreRefusedBeforeTheDatabase() {
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "")) {
      AccessKey key =
          new AccessKey("AK1", "sealed", null, false, Instant.parse("2300-01-01T00:00:00Z"));

      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      tx -> {
                        tx.insertAccessKey(key);
                        return null;
                      }))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(store.inTransaction(StoreTx::allAccessKeys)).isEqualTo(List.of());
    }
  }
}
