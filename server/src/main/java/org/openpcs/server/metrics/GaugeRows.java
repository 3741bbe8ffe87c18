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
        (tags, v) -> {
          Series known = series.get(tags);
          if (known == null) {
            // registered with its value: a scrape never sees a new series at 0 first
            series.put(tags, register(tags, v.longValue()));
          } else {
            known.value().set(v.longValue());
          }
        });
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

  private Series register(Tags tags, long initial) {
    AtomicLong value = new AtomicLong(initial);
    // Held strongly by the gauge too: its value must not turn NaN should the map's owner go away
    // while the registry is still scraped (a gauge holds its object weakly by default).
    Gauge gauge =
        Gauge.builder(name, value, AtomicLong::doubleValue)
            .description(description)
            .tags(tags)
            .strongReference(true)
            .register(registry);
    return new Series(value, gauge);
  }
}
