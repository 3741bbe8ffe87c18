package org.openpcs.server.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpcs.server.events.StoreEventSink;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server wires for metrics and events, in one place so that {@code OpenPcsServer} only
 * starts and closes it: the registry, the store-backed event sink, the collector's own thread (a
 * slow {@code squeue} must not delay the power-saving bridge on the housekeeping thread) and the
 * event purge.
 */
public final class Observability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Observability.class);

  /** How often cluster state is read for the gauges. */
  public static final Duration COLLECTION_PERIOD = Duration.ofSeconds(5);

  private final ServerMetrics metrics;
  private final StoreEventSink events;
  private final ScheduledExecutorService collector =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("metrics-collector").factory());

  public Observability(Store store) {
    this.metrics = new ServerMetrics();
    this.events = new StoreEventSink(store);
    metrics.registerEventSink(events, StoreEventSink::dropped, StoreEventSink::written);
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public StoreEventSink events() {
    return events;
  }

  /** Runs the collector every {@link #COLLECTION_PERIOD}, starting now. */
  public void collect(ClusterCollector clusterCollector) {
    collector.scheduleWithFixedDelay(
        clusterCollector, 0, COLLECTION_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Forgets events older than {@code retention}; for the housekeeping thread. */
  public static void purgeEvents(Store store, Clock clock, Duration retention) {
    try {
      int n = store.inTransaction(tx -> tx.purgeEvents(clock.instant().minus(retention)));
      if (n > 0) {
        log.debug("purged {} events older than {}", n, retention);
      }
    } catch (RuntimeException e) {
      log.warn("could not purge old events", e);
    }
  }

  /** Stops collecting, writes the queued events, releases the registry. */
  @Override
  public void close() {
    collector.shutdownNow();
    events.close();
    metrics.close();
  }
}
