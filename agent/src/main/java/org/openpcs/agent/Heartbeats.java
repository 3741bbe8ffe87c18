package org.openpcs.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openpcs.api.client.PcsClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's heartbeats: one virtual thread sends a beat every interval, and at once when {@link
 * #request asked} (a state change, a daemon that died). A failed beat is retried at the next one
 * (logged every tenth time); a STOP answer from the server runs {@code onStop} on its own thread.
 */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** One beat: empty when there is nothing to report yet, else the server's answer. */
  interface Beat {
    Optional<AgentApi.Action> send();
  }

  private final String instanceId;
  private final Duration interval;
  private final Beat beat;
  private final Runnable onStop;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeup = lock.newCondition();
  // guarded by lock
  private Thread thread;
  private boolean requested;
  private boolean stopped;

  Heartbeats(String instanceId, Duration interval, Beat beat, Runnable onStop) {
    this.instanceId = instanceId;
    this.interval = interval;
    this.beat = beat;
    this.onStop = onStop;
  }

  /** Starts beating, the first beat at once; idempotent, and a no-op after {@link #stop}. */
  void start() {
    lock.lock();
    try {
      if (thread != null || stopped) {
        return;
      }
      requested = true;
      thread = Thread.ofVirtual().name("agent-heartbeat-" + instanceId).start(this::loop);
    } finally {
      lock.unlock();
    }
  }

  /** Sends the next beat now instead of at the end of the interval. */
  void request() {
    lock.lock();
    try {
      requested = true;
      wakeup.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops beating and waits (bounded) for a beat in flight; never called by the beat itself. */
  void stop() {
    Thread t;
    lock.lock();
    try {
      stopped = true;
      wakeup.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      boolean interrupted = false;
      try {
        t.join(Duration.ofSeconds(20));
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    long every = interval.toNanos();
    long next = System.nanoTime();
    int failures = 0;
    while (true) {
      lock.lock();
      try {
        while (!stopped && !requested) {
          long wait = next - System.nanoTime();
          if (wait <= 0) {
            break;
          }
          wakeup.awaitNanos(wait);
        }
        if (stopped) {
          return;
        }
        requested = false;
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
        continue;
      } finally {
        lock.unlock();
      }
      AgentApi.Action action = AgentApi.Action.CONTINUE;
      try {
        Optional<AgentApi.Action> answer = beat.send();
        if (answer.isPresent()) {
          action = answer.get();
          if (failures > 0) {
            log.info("instance {}: heartbeats reach the server again", instanceId);
          }
          failures = 0;
        }
      } catch (RuntimeException e) {
        if (isStopped()) {
          return;
        }
        if (failures++ % 10 == 0) {
          log.warn("instance {}: heartbeat failed: {}", instanceId, describe(e));
        }
      }
      if (action == AgentApi.Action.STOP) {
        log.info("instance {}: the server said STOP", instanceId);
        Thread.ofVirtual().name("agent-stop-" + instanceId).start(onStop);
        return;
      }
      next = System.nanoTime() + jittered(every, ThreadLocalRandom.current().nextDouble());
    }
  }

  /**
   * The wait before the next beat: the interval ±10 %. Agents launched together in a burst would
   * otherwise beat together for as long as they live, a thousand requests in the same second every
   * interval; the spread dissolves those waves within a few beats.
   *
   * @param unit a number in [0, 1)
   */
  static long jittered(long intervalNanos, double unit) {
    return Math.round(intervalNanos * (0.9 + 0.2 * unit));
  }

  private boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  static String describe(RuntimeException e) {
    if (e instanceof PcsClientException p) {
      return p.errorType() + ": " + p.getMessage();
    }
    return e.getMessage();
  }
}
