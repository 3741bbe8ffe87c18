package org.openpcs.control;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpcs.domain.ResourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconcilers: events only enqueue a key; a key is processed by at most one pass at a time (an
 * event that arrives during a pass schedules exactly one more pass after it); failures back off; a
 * periodic resync re-enqueues every key as the safety net. Passes run on virtual threads.
 *
 * <p>That one more pass waits as long as the pass before it took (at most {@link #MAX_PACE}): a
 * burst of a thousand nodes reports a thousand state changes, each of which marks the group for
 * another pass, and back to back those passes keep a core busy reading the whole group over and
 * over (the work grows with the square of the group's size). Paced, one key's passes use at most
 * half a core, and a cheap pass (a small group) is followed at once as before.
 */
public final class ReconcileLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** The longest a follow-up pass waits for pacing (see the class comment). */
  static final Duration MAX_PACE = Duration.ofSeconds(2);

  /** Follow-ups of passes shorter than this run at once: pacing them would only add latency. */
  static final Duration PACE_FROM = Duration.ofMillis(50);

  private final Map<ResourceKind, Reconciler> reconcilers;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("reconcile-timer").factory());
  private final Set<ResourceKey> running = new HashSet<>();
  private final Set<ResourceKey> dirty = new HashSet<>();

  /** Keys whose paced follow-up pass is scheduled: events meanwhile are covered by it. */
  private final Set<ResourceKey> paced = new HashSet<>();

  private final Map<ResourceKey, Integer> failures = new ConcurrentHashMap<>();

  /** Keys backing off after failures: the resync leaves them alone until then. */
  private final Map<ResourceKey, Long> notBefore = new ConcurrentHashMap<>();

  private volatile boolean closed;

  public ReconcileLoop(Map<ResourceKind, Reconciler> reconcilers) {
    this.reconcilers = Map.copyOf(reconcilers);
  }

  /** Starts the periodic resync; enqueues every key once right away (adoption after a restart). */
  public void start(Duration resyncPeriod) {
    timer.scheduleWithFixedDelay(this::resync, 0, resyncPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void enqueue(ResourceKey key) {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (paced.contains(key)) {
        return;
      }
      if (running.contains(key)) {
        dirty.add(key);
        return;
      }
      running.add(key);
    }
    workers.execute(() -> runPass(key));
  }

  private void runPass(ResourceKey key) {
    long began = System.nanoTime();
    Reconciler.Result result;
    try {
      result = reconcilers.get(key.kind()).reconcile(key);
      failures.remove(key);
      notBefore.remove(key);
    } catch (RuntimeException | Error e) {
      // Errors too: a key whose pass died without this cleanup would never run again.
      int n = failures.merge(key, 1, Integer::sum);
      long delayMs = Math.min(MAX_BACKOFF.toMillis(), 200L << Math.min(n, 8));
      if (n == 1) {
        log.warn("reconcile of {} failed, retrying in {} ms", key, delayMs, e);
      } else {
        log.warn(
            "reconcile of {} failed again (attempt {}), retrying in {} ms: {}",
            key,
            n,
            delayMs,
            e.toString());
      }
      notBefore.put(key, System.nanoTime() + delayMs * 1_000_000);
      result = Reconciler.requeueAfter(Duration.ofMillis(delayMs));
    }
    long pace = pace(System.nanoTime() - began);
    boolean again;
    synchronized (this) {
      again = dirty.remove(key);
      running.remove(key);
      if (again && pace > 0 && !closed) {
        paced.add(key);
      }
    }
    if (again && pace > 0 && !closed) {
      timer.schedule(
          () -> {
            synchronized (this) {
              paced.remove(key);
            }
            enqueue(key);
          },
          pace,
          TimeUnit.NANOSECONDS);
    } else if (again) {
      enqueue(key);
    } else if (result instanceof Reconciler.Result.RequeueAfter r && !closed) {
      timer.schedule(() -> enqueue(key), r.delay().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** How long the follow-up of a pass that took {@code tookNanos} waits (0: none). */
  static long pace(long tookNanos) {
    if (tookNanos < PACE_FROM.toNanos()) {
      return 0;
    }
    return Math.min(MAX_PACE.toNanos(), tookNanos);
  }

  private void resync() {
    for (Reconciler r : reconcilers.values()) {
      try {
        long now = System.nanoTime();
        r.allKeys().stream()
            .filter(k -> notBefore.getOrDefault(k, now) <= now)
            .forEach(this::enqueue);
      } catch (RuntimeException e) {
        log.warn("resync could not list resources; will try again", e);
      }
    }
  }

  /** True when no pass is running or scheduled to run right now (for tests and shutdown). */
  public synchronized boolean idle() {
    return running.isEmpty() && paced.isEmpty();
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
