package org.openpcs.agent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's last word to the server: its final state, sent at most once on a virtual thread (so
 * that a server that closes the agent while holding a lock cannot deadlock with the report), after
 * which the agent's HTTP client is closed. When there is nothing to report, the client is closed at
 * once. {@code started} and {@code done} are thread-safe on their own, as they were as Agent's
 * {@code reportStarted} and {@code finalReport}.
 */
final class FinalReport {
  private static final Logger log = LoggerFactory.getLogger(FinalReport.class);

  private final String instanceId;
  private final AgentApi api;
  private final Consumer<AgentState> send;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /**
   * @param send sends one heartbeat with the given state; throws when it does not reach the server
   */
  FinalReport(String instanceId, AgentApi api, Consumer<AgentState> send) {
    this.instanceId = instanceId;
    this.api = api;
    this.send = send;
  }

  /** Sends {@code s} (3 attempts) on a virtual thread, then closes the HTTP client. */
  void sendAsync(AgentState s) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .name("agent-report-" + instanceId)
        .start(
            () -> {
              try {
                for (int attempt = 0; attempt < 3; attempt++) {
                  try {
                    send.accept(s);
                    return;
                  } catch (RuntimeException e) {
                    if (attempt == 2) {
                      log.warn(
                          "instance {}: could not report {}: {}",
                          instanceId,
                          s,
                          Heartbeats.describe(e));
                      return;
                    }
                  }
                  Thread.sleep(500L << attempt);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                api.close();
                done.complete(null);
              }
            });
  }

  /** Nothing new to report: closes the HTTP client, unless a report already owns it. */
  void skipUnlessStarted() {
    if (!started.get()) {
      api.close();
      done.complete(null);
    }
  }

  /** No report, now or later (a detached agent): closes the HTTP client. */
  void skip() {
    started.set(true);
    api.close();
    done.complete(null);
  }

  /** Waits (bounded) until the report has been sent or given up; false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }
}
