package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpcs.control.ScalingLog.Entry;

class MeteredScalingLogTest {
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Entry> forwarded = new ArrayList<>();
  private final MeteredScalingLog log = new MeteredScalingLog(forwarded::add, registry);

  @Test
  void everyEntryIsForwardedUnchangedAndInOrder() {
    List<Entry> entries =
        List.of(
            entry(0, "compute-1", "c5.large", "LAUNCHED", "SCHEDULER_REQUESTED"),
            entry(1, "compute-1", "c5.large", "REGISTERED", "REGISTER_SUCCESS"),
            entry(2, "compute-1", "c5.large", "ACTIVE", "BOOTSTRAP_SUCCESS"),
            entry(3, "compute-1", "c5.large", "SOMETHING_NEW", null));

    entries.forEach(log::record);

    assertThat(forwarded).containsExactlyElementsOf(entries);
  }

  @Test
  void launchesFailuresAndTerminationsAreCountedByTheirLabels() {
    log.record(entry(0, "compute-1", "c5.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    log.record(entry(0, "compute-2", "c5.large", "LAUNCHED", "MAINTAIN_MIN_CAPACITY"));
    log.record(entry(0, "compute-3", "c6i.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    log.record(entry(0, "compute-4", "c6i.large", "LAUNCH_FAILED", "INSUFFICIENT_CAPACITY"));
    log.record(entry(0, "compute-5", "c6i.large", "LAUNCH_FAILED", "INSUFFICIENT_CAPACITY"));
    log.record(entry(9, "compute-1", "c5.large", "TERMINATED", "SCHEDULER_REQUESTED"));

    assertThat(count("openpcs.instance.launches", "instance_type", "c5.large")).isEqualTo(2);
    assertThat(count("openpcs.instance.launches", "instance_type", "c6i.large")).isEqualTo(1);
    assertThat(count("openpcs.instance.launch.failures", "reason", "INSUFFICIENT_CAPACITY"))
        .isEqualTo(2);
    assertThat(count("openpcs.instance.terminations", "reason", "SCHEDULER_REQUESTED"))
        .isEqualTo(1);
    assertThat(registry.scrape())
        .contains(
            "openpcs_instance_launches_total{cluster=\"pcs_c1\",instance_type=\"c5.large\",node_group=\"compute\"} 2");
    MetricConventions.check(PrometheusText.parse(registry.scrape()));
  }

  @Test
  void resumeToReadyRunsFromTheFirstRequestedLaunchToActiveAcrossAFallback() {
    log.record(entry(0, "compute-1", "c7i.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    log.record(entry(3, "compute-1", "c7i.large", "LAUNCH_FAILED", "INSUFFICIENT_CAPACITY"));
    log.record(entry(5, "compute-1", "c5.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    log.record(entry(20, "compute-1", "c5.large", "REGISTERED", "REGISTER_SUCCESS"));
    log.record(entry(40, "compute-1", "c5.large", "ACTIVE", "BOOTSTRAP_SUCCESS"));
    // A static node's launch is not Slurm resuming a node: not measured.
    log.record(entry(0, "compute-2", "c5.large", "LAUNCHED", "MAINTAIN_MIN_CAPACITY"));
    log.record(entry(30, "compute-2", "c5.large", "ACTIVE", "BOOTSTRAP_SUCCESS"));

    Timer resume = registry.get("openpcs.node.resume.duration").timer();
    assertThat(resume.count()).isEqualTo(1);
    assertThat(resume.totalTime(TimeUnit.SECONDS)).isEqualTo(40);
    assertThat(log.pending()).isZero();
  }

  @Test
  void aNodeTerminatedBeforeReadyIsNotMeasured() {
    log.record(entry(0, "compute-1", "c5.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    log.record(entry(5, "compute-1", "c5.large", "TERMINATED", "BOOTSTRAP_FAILED"));
    log.record(entry(9, "compute-1", "c5.large", "ACTIVE", "BOOTSTRAP_SUCCESS"));

    assertThat(registry.find("openpcs.node.resume.duration").timer()).isNull();
  }

  @Test
  void measurementsInProgressAreBounded() {
    for (int i = 0; i < MeteredScalingLog.MAX_PENDING + 500; i++) {
      log.record(entry(0, "compute-" + i, "c5.large", "LAUNCHED", "SCHEDULER_REQUESTED"));
    }

    assertThat(log.pending()).isEqualTo(MeteredScalingLog.MAX_PENDING);
  }

  @Test
  void missingLabelValuesAreCountedAsUnknown() {
    log.record(
        new Entry(
            T0, "pcs_c1", "pcs_g1", null, "compute-1", null, null, "LAUNCH_FAILED", null, "x"));

    assertThat(registry.scrape())
        .contains(
            "openpcs_instance_launch_failures_total{cluster=\"pcs_c1\",instance_type=\"unknown\",node_group=\"pcs_g1\",reason=\"unknown\"} 1");
  }

  private double count(String name, String tag, String value) {
    return registry.find(name).tag(tag, value).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static Entry entry(int second, String node, String type, String state, String reason) {
    return new Entry(
        T0.plusSeconds(second),
        "pcs_c1",
        "pcs_g1",
        "compute",
        node,
        "i-" + node,
        type,
        state,
        reason,
        null);
  }
}
