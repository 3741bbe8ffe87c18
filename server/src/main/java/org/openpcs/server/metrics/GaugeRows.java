package org.openpcs.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge family whose set of series is replaced as a whole at each collection, like Micrometer's
 * {@code MultiGauge}, but a series that stays keeps its gauge and only its value changes.
 *
 * <p>Why not {@code MultiGauge.register(rows, true)}: it removes and registers again every row at
 * every call, and a Prometheus scrape running meanwhile sees a row zero times (the series flickers)
 * or twice — which the Prometheus client refuses, so {@code /metrics} answered 500 (Micrometer
 * issue 6851, not fixed in the version used here). Here a series is registered when it first
 * appears and removed when it is gone, never both in one call.
 */
final class GaugeRows {
  private final String name;
  private final String description;
  private final MeterRegistry registry;
  private final Map<Tags, Series> series = new HashMap<>();

  private record Series(AtomicLong value, Gauge gauge) {}

  GaugeRows(String name, String description, MeterRegistry registry) {
    this.name = name;
    this.description = description;
    this.registry = registry;
  }

  /** Publishes exactly these series with these values; series not in {@code values} go away. */
  synchronized void set(Map<Tags, ? extends Number> values) {
    values.forEach(
        (tags, v) -> series.computeIfAbsent(tags, this::register).value().set(v.longValue()));
    series
        .entrySet()
        .removeIf(
            e -> {
              if (values.containsKey(e.getKey())) {
                return false;
              }
              registry.remove(e.getValue().gauge());
              return true;
            });
  }

  private Series register(Tags tags) {
    AtomicLong value = new AtomicLong();
    // The map keeps the number alive as long as the gauge is registered (a gauge holds it weakly).
    Gauge gauge =
        Gauge.builder(name, value, AtomicLong::doubleValue)
            .description(description)
            .tags(tags)
            .register(registry);
    return new Series(value, gauge);
  }
}
