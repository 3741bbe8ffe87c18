package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Prometheus naming conventions every OpenPCS metric must follow (shared with the e2e tests). */
public final class MetricConventions {
  private MetricConventions() {}

  /** openpcs_ prefix, snake case, _total on counters, a unit on histograms. */
  public static void check(Map<String, PrometheusText.Family> metrics) {
    List<PrometheusText.Family> ours =
        metrics.values().stream().filter(f -> f.name().startsWith("openpcs_")).toList();
    assertThat(ours).isNotEmpty();
    for (PrometheusText.Family f : ours) {
      assertThat(f.name()).matches("openpcs_[a-z0-9_]+");
      assertThat(f.help()).as("HELP of " + f.name()).isNotBlank();
      switch (f.type()) {
        case "counter" -> assertThat(f.name()).endsWith("_total");
        case "histogram" -> assertThat(f.name()).endsWith("_seconds");
        case "gauge" -> assertThat(f.name()).doesNotEndWith("_total");
        default -> throw new AssertionError(f.name() + " has type " + f.type());
      }
      for (PrometheusText.Sample s : f.samples()) {
        s.labels().keySet().forEach(l -> assertThat(l).matches("[a-z][a-z0-9_]*"));
      }
    }
  }
}
