package org.openpcs.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.openpcs.server.http.ApiDispatcher;

/**
 * API request latency by operation and outcome ({@code success} or the error type, e.g. {@code
 * ValidationException}). Both label sets are closed: unknown operations count as {@code unknown},
 * so a client sending random targets cannot create series.
 */
public final class ApiMetrics implements ApiDispatcher.RequestListener {
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;

  public ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void completed(
      String requestId,
      String principal,
      String operation,
      int status,
      String errorType,
      long nanos) {
    Timer.builder("openpcs.api.request.duration")
        .description("PCS API requests by operation and outcome")
        .tags(
            "operation",
            operation == null ? "unknown" : operation,
            "outcome",
            status == 200 ? "success" : errorType == null ? "error" : errorType)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }
}
