package org.openpcs.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test parser must refuse what Prometheus refuses, or the ITs prove nothing. */
class PrometheusTextTest {
  private static final String GOOD =
      """
      # HELP a_total Things.
      # TYPE a_total counter
      a_total{x="1",y="q\\"uote\\\\"} 3.0
      # TYPE h_seconds histogram
      h_seconds_bucket{le="0.1"} 1.0
      h_seconds_bucket{le="+Inf"} 2.0
      h_seconds_count 2.0
      h_seconds_sum 0.5
      """;

  @Test
  void parsesFamiliesLabelsAndValues() {
    var f = PrometheusText.parse(GOOD);
    assertThat(f.get("a_total").samples().getFirst().labels()).containsEntry("y", "q\"uote\\");
    assertThat(f.get("h_seconds").samples()).hasSize(4);
  }

  @Test
  void refusesMalformedExpositions() {
    for (String bad :
        new String[] {
          "a_total 1\n", // no TYPE
          "# TYPE a gauge\na{x=1} 1\n", // unquoted label value
          "# TYPE a gauge\na 1,5\n", // bad value
          "# TYPE a gauge\na 1\na 2\n", // duplicate series
          "# TYPE 1a gauge\n", // bad name
          "# TYPE a gauge\na 1", // no final line feed
          "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
          "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",
        }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad))
          .as(bad)
          .isInstanceOf(RuntimeException.class);
    }
  }
}
