package org.openpcs.server.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A destination behind its own bounded queue and its own thread. {@link #offer} never waits: when
 * the queue is full the record is dropped and counted, so a slow or hanging destination costs the
 * producer (an API call, a reconciler) one failed {@code offer} and nothing more. A batch the
 * destination refuses is dropped and counted too; retrying is the destination's business.
 */
final class BufferedDestination implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BufferedDestination.class);
  private static final int MAX_BATCH = 500;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final LogDestination destination;
  private final BlockingQueue<LogRecord> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;
  private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

  BufferedDestination(LogDestination destination, int capacity) {
    this.destination = destination;
    this.queue = new ArrayBlockingQueue<>(capacity);
    // A platform daemon thread: a destination stuck in native I/O must not pin a carrier thread
    // shared with the API, and must never keep the JVM alive.
    this.thread =
        Thread.ofPlatform().daemon().name("log-" + destination.name()).unstarted(this::run);
    thread.start();
  }

  String name() {
    return destination.name();
  }

  /** Queues the record, or drops and counts it when the queue is full or closed. */
  void offer(LogRecord r) {
    if (closing || !queue.offer(r)) {
      dropped.incrementAndGet();
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    List<LogRecord> batch = new ArrayList<>(MAX_BATCH);
    while (!(closing && queue.isEmpty())) {
      try {
        LogRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        destination.write(batch);
      } catch (InterruptedException e) {
        dropped.addAndGet(batch.size());
        break;
      } catch (Exception e) {
        dropped.addAndGet(batch.size());
        warn(e);
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void warn(Exception e) {
    long now = System.nanoTime();
    if (now - lastWarning >= WARN_EVERY_NANOS) {
      lastWarning = now;
      log.warn("log destination {} failed; records dropped so far: {}", name(), dropped(), e);
    }
  }

  /**
   * Lets the thread write what is queued within {@code budget}, then interrupts it; whatever is
   * still queued is counted as dropped. Shutdown never waits longer than the budget plus a little.
   */
  void close(Duration budget) {
    closing = true;
    try {
      thread.join(budget);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropped.addAndGet(queue.size());
    queue.clear();
    if (!thread.isAlive()) {
      destination.close();
    }
  }

  @Override
  public void close() {
    close(Duration.ofMillis(500));
  }
}
