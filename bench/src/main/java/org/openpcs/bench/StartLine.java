package org.openpcs.bench;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the replays of several clusters at one instant, {@code settle} after the last of them is
 * ready. Each config used to start its replay the moment its own queue was ACTIVE: the configs were
 * staggered by up to seconds (not the same load), and every elastic group's first jobs met a
 * slurmctld restarted (for its queue) a fraction of a second before them, whose first scheduling
 * pass came about 3 s after its start — a wait no cluster in production has at the start of a trace
 * window, and one of the largest parts of the elastic groups' extra wait.
 */
final class StartLine {
  private final CyclicBarrier barrier;
  private volatile double startAt;
  private volatile boolean abandoned;

  StartLine(int replays, Duration settle) {
    this.barrier =
        new CyclicBarrier(replays, () -> startAt = ColdStart.now() + settle.toMillis() / 1000.0);
  }

  /**
   * Waits until every replay is ready, then until the common start; returns that start (epoch
   * seconds). Fails when another replay gave up ({@link #abandon}) or not all were ready in time.
   */
  double await(Duration timeout) throws InterruptedException, TimeoutException {
    if (abandoned) {
      // a replay that gave up before this one came would never arrive
      throw new IllegalStateException("another replay failed before the start");
    }
    try {
      barrier.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("another replay failed before the start", e);
    }
    double at = startAt;
    long ms = Math.round((at - ColdStart.now()) * 1000);
    if (ms > 0) {
      Thread.sleep(ms);
    }
    return at;
  }

  /** A replay that cannot start: the others stop waiting for it. */
  void abandon() {
    abandoned = true;
    barrier.reset();
  }

  /** How many replays wait at the line now. */
  int waiting() {
    return barrier.getNumberWaiting();
  }
}
