package org.openpcs.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.ResourceKind;

class ReconcileLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ResourceKey A = ResourceKey.cluster("pcs_aaaaaaaaaa");
  private static final ResourceKey B = ResourceKey.cluster("pcs_bbbbbbbbbb");

  /**
   * A reconciler that records every pass and any overlap of two passes for one key. Each pass takes
   * a permit from {@link #gate} (tests that do not block hand out plenty), so a test can hold a
   * pass open while it enqueues.
   */
  static final class RecordingReconciler implements Reconciler {
    final Map<ResourceKey, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final AtomicInteger maxInFlightPerKey = new AtomicInteger();
    final List<ResourceKey> passes = new CopyOnWriteArrayList<>();
    final List<Long> startNanos = new CopyOnWriteArrayList<>();
    final Semaphore started = new Semaphore(0);
    final Semaphore gate = new Semaphore(Integer.MAX_VALUE / 2);
    volatile Function<Integer, Result> behaviour = n -> DONE;
    volatile List<ResourceKey> keys = List.of();

    /** How often a pass yields its thread, to give an overlapping pass room to show up. */
    volatile int yields;

    @Override
    public Result reconcile(ResourceKey key) {
      AtomicInteger counter = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
      int now = counter.incrementAndGet();
      maxInFlightPerKey.accumulateAndGet(now, Math::max);
      passes.add(key);
      startNanos.add(System.nanoTime());
      started.release();
      try {
        for (int i = 0; i < yields; i++) {
          Thread.yield();
        }
        if (!gate.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("test gate never opened");
        }
        return behaviour.apply(passes.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        counter.decrementAndGet();
      }
    }

    @Override
    public List<ResourceKey> allKeys() {
      return keys;
    }

    long passesOf(ResourceKey key) {
      return passes.stream().filter(key::equals).count();
    }

    void awaitStarts(int n) throws InterruptedException {
      assertThat(started.tryAcquire(n, WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("%d more pass(es) started within %s", n, WAIT)
          .isTrue();
    }
  }

  private final RecordingReconciler reconciler = new RecordingReconciler();
  private final ReconcileLoop loop = new ReconcileLoop(Map.of(ResourceKind.CLUSTER, reconciler));

  @AfterEach
  void close() {
    loop.close();
  }

  /** Polls a condition until it holds or the bound passes; for state with no event to wait on. */
  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void aKeyIsReconciledOnce() throws Exception {
    loop.enqueue(A);

    reconciler.awaitStarts(1);
    await(loop::idle, "the pass ended");
    loop.close();
    assertThat(reconciler.passes).containsExactly(A);
  }

  @Test
  void concurrentEnqueuesNeverRunTwoPassesForOneKeyAndEndInExactlyOneMorePass() throws Exception {
    reconciler.gate.drainPermits();
    loop.enqueue(A);
    reconciler.awaitStarts(1);

    // Many threads enqueue the same key while its first pass is held open.
    int threads = 32;
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch enqueued = new CountDownLatch(threads);
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < threads; i++) {
        pool.execute(
            () -> {
              try {
                go.await();
                for (int j = 0; j < 20; j++) {
                  loop.enqueue(A);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                enqueued.countDown();
              }
            });
      }
      go.countDown();
      assertThat(enqueued.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
    assertThat(reconciler.passes).hasSize(1);

    reconciler.gate.release(Integer.MAX_VALUE / 2);
    reconciler.awaitStarts(1);
    await(() -> loop.idle() && reconciler.inFlight.get(A).get() == 0, "the second pass ended");
    loop.close();

    assertThat(reconciler.passes).containsExactly(A, A);
    assertThat(reconciler.maxInFlightPerKey).hasValue(1);
  }

  @Test
  void theFollowUpOfASlowPassWaitsAsLongAsItTookAndAbsorbsEnqueuesMeanwhile() throws Exception {
    reconciler.gate.drainPermits();
    loop.enqueue(A);
    reconciler.awaitStarts(1);
    Thread.sleep(300); // the first pass takes at least 300 ms
    loop.enqueue(A); // marks it for one more pass
    long released = System.nanoTime();
    reconciler.gate.release(Integer.MAX_VALUE / 2);
    // while the follow-up waits, more events change nothing: they are covered by it
    for (int i = 0; i < 5; i++) {
      Thread.sleep(20);
      loop.enqueue(A);
    }
    assertThat(loop.idle()).as("a paced pass is still to come").isFalse();
    reconciler.awaitStarts(1);
    await(() -> loop.idle() && reconciler.inFlight.get(A).get() == 0, "the follow-up ended");
    loop.close();

    assertThat(reconciler.passes).containsExactly(A, A);
    assertThat(reconciler.startNanos.get(1) - released)
        .as("the follow-up waited about as long as the first pass took")
        .isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
  }

  @Test
  void onlyPassesAboveTheThresholdArePacedAndNeverLongerThanTheCap() {
    assertThat(ReconcileLoop.pace(Duration.ofMillis(10).toNanos())).isZero();
    assertThat(ReconcileLoop.pace(Duration.ofMillis(400).toNanos()))
        .isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(ReconcileLoop.pace(Duration.ofSeconds(30).toNanos()))
        .isEqualTo(ReconcileLoop.MAX_PACE.toNanos());
  }

  @Test
  void enqueuesFromManyThreadsWhilePassesRunNeverOverlap() throws Exception {
    reconciler.yields = 100;
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      CountDownLatch done = new CountDownLatch(8);
      for (int t = 0; t < 8; t++) {
        pool.execute(
            () -> {
              for (int j = 0; j < 500; j++) {
                loop.enqueue(j % 2 == 0 ? A : B);
              }
              done.countDown();
            });
      }
      assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
    await(
        () -> loop.idle() && reconciler.inFlight.values().stream().allMatch(c -> c.get() == 0),
        "all passes ended");

    assertThat(reconciler.maxInFlightPerKey).hasValue(1);
    assertThat(reconciler.passesOf(A)).isBetween(1L, 2_000L);
    assertThat(reconciler.passesOf(B)).isBetween(1L, 2_000L);
  }

  @Test
  void differentKeysRunAtTheSameTime() throws Exception {
    reconciler.gate.drainPermits();

    loop.enqueue(A);
    loop.enqueue(B);

    // Both passes start although neither may finish yet.
    reconciler.awaitStarts(2);
    assertThat(reconciler.passes).containsExactlyInAnyOrder(A, B);
    reconciler.gate.release(Integer.MAX_VALUE / 2);
  }

  @Test
  void failuresBackOffExponentially() throws Exception {
    reconciler.behaviour =
        n -> {
          if (n <= 2) {
            throw new IllegalStateException("failure " + n);
          }
          return Reconciler.DONE;
        };

    loop.enqueue(A);
    reconciler.awaitStarts(3);

    List<Long> t = reconciler.startNanos;
    long firstGapMs = TimeUnit.NANOSECONDS.toMillis(t.get(1) - t.get(0));
    long secondGapMs = TimeUnit.NANOSECONDS.toMillis(t.get(2) - t.get(1));
    assertThat(firstGapMs).as("retry after the first failure").isGreaterThanOrEqualTo(350);
    assertThat(secondGapMs).as("retry after the second failure").isGreaterThanOrEqualTo(750);
    assertThat(secondGapMs).isGreaterThan(firstGapMs);
  }

  @Test
  void aRequeueAfterIsHonoured() throws Exception {
    reconciler.behaviour =
        n -> n == 1 ? Reconciler.requeueAfter(Duration.ofMillis(50)) : Reconciler.DONE;

    loop.enqueue(A);
    reconciler.awaitStarts(2);

    List<Long> t = reconciler.startNanos;
    assertThat(TimeUnit.NANOSECONDS.toMillis(t.get(1) - t.get(0))).isGreaterThanOrEqualTo(45);
  }

  @Test
  void theResyncEnqueuesEveryKeyOfEveryReconciler() throws Exception {
    reconciler.keys = List.of(A, B);

    loop.start(Duration.ofMillis(20));

    // The first resync runs at once; later ones keep coming.
    await(
        () -> reconciler.passesOf(A) >= 3 && reconciler.passesOf(B) >= 3,
        "three resyncs reached both keys");
  }

  @Test
  void closeStopsEveryFurtherPass() throws Exception {
    reconciler.keys = List.of(A);
    reconciler.behaviour = n -> Reconciler.requeueAfter(Duration.ofMillis(1));
    loop.start(Duration.ofMillis(5));
    reconciler.awaitStarts(5);

    loop.close();
    int passesAtClose = reconciler.passes.size();
    reconciler.started.drainPermits();
    loop.enqueue(A);
    loop.enqueue(B);

    // Nothing may start any more: wait a bounded while for a pass that must not come.
    assertThat(reconciler.started.tryAcquire(200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(reconciler.passes).hasSize(passesAtClose);
  }

  @Test
  void aPassThatThrowsAnErrorDoesNotWedgeItsKey() throws Exception {
    reconciler.behaviour =
        n -> {
          if (n == 1) {
            throw new AssertionError("a reconciler bug");
          }
          return Reconciler.DONE;
        };

    loop.enqueue(A);
    reconciler.awaitStarts(1);
    await(() -> reconciler.inFlight.get(A).get() == 0, "the first pass ended");
    loop.enqueue(A);

    reconciler.awaitStarts(1);
  }
}
