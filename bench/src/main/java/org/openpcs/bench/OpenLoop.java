package org.openpcs.bench;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: arrivals on a fixed timeline, {@code rate} per second, each on its own virtual
 * thread, no matter how long earlier ones take. A slow server therefore cannot slow the load down
 * and hide its own latency (coordinated omission): every latency is measured from the moment the
 * request was <em>due</em>, so time spent waiting behind a stall, or behind a late scheduler
 * wake-up, counts.
 */
final class OpenLoop {
  /** One arrival. {@code dueNanos} is the {@link System#nanoTime()} at which it was due. */
  interface Arrival {
    void run(long index, long dueNanos);
  }

  /** What happened: how many arrivals were started and how many had not finished in time. */
  record Outcome(long started, long unfinished) {}

  private OpenLoop() {}

  /**
   * Starts arrivals at {@code ratePerSecond} from {@code startNanos} for {@code length}, then waits
   * up to {@code drain} for the ones still running. Blocks the calling thread, which does the
   * scheduling.
   */
  static Outcome run(
      double ratePerSecond, long startNanos, Duration length, Duration drain, Arrival arrival) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
    }
    double periodNanos = 1e9 / ratePerSecond;
    long endNanos = startNanos + length.toNanos();
    AtomicLong finished = new AtomicLong();
    long started = 0;
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (long i = 0; ; i++) {
        long due = startNanos + Math.round(i * periodNanos);
        if (due - endNanos >= 0) {
          break;
        }
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        long index = i;
        threads.execute(
            () -> {
              try {
                arrival.run(index, due);
              } finally {
                finished.incrementAndGet();
              }
            });
        started++;
      }
      threads.shutdown();
      if (!threads.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
    return new Outcome(started, started - finished.get());
  }
}
