package org.openpcs.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.openpcs.control.ScalingLog;
import org.openpcs.server.http.ApiDispatcher;
import org.openpcs.slurm.ControllerDaemons;

/**
 * The server's one metrics registry, rendered in the Prometheus text format at {@code GET
 * /metrics}. Meter names are dotted here and become Prometheus names on the way out ({@code
 * openpcs.instance.launches} → {@code openpcs_instance_launches_total}). See docs/observability.md
 * for the list.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private AutoCloseable restartSubscription = () -> {};
  private final java.util.List<Runnable> preScrape =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public ServerMetrics() {
    // Process basics are cheap and answer "is the server itself healthy".
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public ApiDispatcher.RequestListener requestListener() {
    return new ApiMetrics(registry);
  }

  public ScalingLog metered(ScalingLog log) {
    return new MeteredScalingLog(log, registry);
  }

  /** {@code openpcs_events_dropped_total} and {@code openpcs_events_written_total}. */
  public <S> void registerEventSink(
      S sink,
      java.util.function.ToDoubleFunction<S> dropped,
      java.util.function.ToDoubleFunction<S> written) {
    FunctionCounter.builder("openpcs.events.dropped", sink, dropped)
        .description("Events lost: the queue was full or the store failed")
        .register(registry);
    FunctionCounter.builder("openpcs.events.written", sink, written)
        .description("Events stored")
        .register(registry);
  }

  /**
   * {@code openpcs_log_records_dropped_total{destination}} from a log delivery's drop counts by
   * destination, read at each scrape (destinations that appear later get their series then).
   */
  public void registerLogDrops(Supplier<Map<String, Long>> dropped) {
    Map<String, Boolean> known = new ConcurrentHashMap<>();
    // New destinations are registered just before each scrape, so none is missed.
    Runnable refresh =
        () ->
            dropped
                .get()
                .keySet()
                .forEach(
                    destination ->
                        known.computeIfAbsent(
                            destination,
                            d -> {
                              FunctionCounter.builder(
                                      "openpcs.log.records.dropped",
                                      dropped,
                                      s -> s.get().getOrDefault(d, 0L).doubleValue())
                                  .description("Log records lost by a destination")
                                  .tag("destination", d)
                                  .register(registry);
                              return true;
                            }));
    preScrape.add(refresh);
  }

  /** Runs the registration hooks, then renders the text exposition format (version 0.0.4). */
  public String scrape() {
    for (Runnable r : preScrape) {
      try {
        r.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(ServerMetrics.class)
            .debug("metrics hook failed: {}", e.toString());
      }
    }
    return registry.scrape();
  }

  /**
   * {@code openpcs_controller_daemon_restarts_total{cluster,daemon}} for clusters under {@code
   * clustersDir} (each cluster's directory is named by its id).
   */
  public void countDaemonRestarts(Path clustersDir) {
    Path base = clustersDir.toAbsolutePath().normalize();
    restartSubscription =
        ControllerDaemons.onRestart(
            (root, daemon) -> {
              Path r = root.toAbsolutePath().normalize();
              if (r.getParent() != null && r.getParent().equals(base)) {
                daemonRestarts(r.getFileName().toString(), daemon);
              }
            });
  }

  void daemonRestarts(String clusterId, String daemon) {
    io.micrometer.core.instrument.Counter.builder("openpcs.controller.daemon.restarts")
        .description("Controller daemons found dead and started again")
        .tags("cluster", clusterId, "daemon", daemon)
        .register(registry)
        .increment();
  }

  @Override
  public void close() {
    try {
      restartSubscription.close();
    } catch (Exception e) {
      // nothing to release beyond the list entry
    }
    gc.close();
    registry.close();
  }
}
