package org.openpcs.server.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openpcs.control.EventSink;
import org.openpcs.domain.Event;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores events without making anyone wait for the database: {@link #emit} only offers the event to
 * a bounded queue (a full queue drops it and counts the drop), and one writer thread inserts what
 * has queued up in batches, one transaction per batch. A batch the store refuses is dropped and
 * counted too, after which the writer pauses briefly so a database outage costs no CPU.
 */
public final class StoreEventSink implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreEventSink.class);
  static final int DEFAULT_CAPACITY = 10_000;
  static final int MAX_BATCH = 500;
  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

  private final Store store;
  private final BlockingQueue<Event> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  public StoreEventSink(Store store) {
    this(store, DEFAULT_CAPACITY);
  }

  public StoreEventSink(Store store, int capacity) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofPlatform().daemon().name("event-writer").start(this::run);
  }

  @Override
  public void emit(Event event) {
    if (event == null || closed || !queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  /** Events lost so far: queue full, store failing, or emitted after close. */
  public long dropped() {
    return dropped.get();
  }

  /** Events stored so far. */
  public long written() {
    return written.get();
  }

  /** Events waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Event> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Event first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        // close() interrupts only a writer stuck in the store; what is left is counted as lost.
        dropped.addAndGet(batch.size() + queue.size());
        queue.clear();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Event> batch) throws InterruptedException {
    try {
      store.inTransaction(
          tx -> {
            tx.appendEvents(batch);
            return null;
          });
      written.addAndGet(batch.size());
      batch.clear();
    } catch (RuntimeException e) {
      dropped.addAndGet(batch.size());
      log.warn("could not store {} event(s); dropped: {}", batch.size(), e.toString());
      batch.clear();
      Thread.sleep(PAUSE_AFTER_FAILURE);
    }
  }

  /** Writes what is queued (for up to {@code grace}), then stops the writer. */
  public void close(Duration grace) {
    closed = true;
    try {
      writer.join(grace);
      if (writer.isAlive()) {
        writer.interrupt();
        writer.join(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}
