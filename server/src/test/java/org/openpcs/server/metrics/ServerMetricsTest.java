package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private final ServerMetrics metrics = new ServerMetrics();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void logDropsAreReadAtEachScrapeIncludingDestinationsThatAppearLater() {
    Map<String, Long> dropped = new ConcurrentHashMap<>(Map.of("file", 3L));
    metrics.registerLogDrops(() -> Map.copyOf(dropped));

    assertThat(metrics.scrape())
        .contains("openpcs_log_records_dropped_total{destination=\"file\"} 3.0");

    dropped.put("file", 5L);
    dropped.put("http", 1L);
    String text = metrics.scrape();
    assertThat(text)
        .contains("openpcs_log_records_dropped_total{destination=\"file\"} 5.0")
        .contains("openpcs_log_records_dropped_total{destination=\"http\"} 1.0");
    MetricConventions.check(PrometheusText.parse(text));
  }

  @Test
  void eventSinkCountsAreReadFromTheSink() {
    AtomicLong dropped = new AtomicLong(7);
    metrics.registerEventSink(dropped, AtomicLong::get, d -> 11);

    assertThat(metrics.scrape())
        .contains("openpcs_events_dropped_total 7.0")
        .contains("openpcs_events_written_total 11.0");
  }

  @Test
  void daemonRestartsAreCountedPerClusterAndDaemon() {
    metrics.countDaemonRestarts(Path.of("/tmp/openpcs-test/clusters"));
    metrics.daemonRestarts("pcs_abc", "slurmctld");
    metrics.daemonRestarts("pcs_abc", "slurmctld");

    assertThat(metrics.scrape())
        .contains(
            "openpcs_controller_daemon_restarts_total{cluster=\"pcs_abc\",daemon=\"slurmctld\"} 2.0");
  }

  @Test
  void jvmAndProcessBasicsAreThere() {
    assertThat(PrometheusText.parse(metrics.scrape()))
        .containsKeys("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage");
  }
}
