package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuotasTest {
  @Test
  void defaultsAreThoseOfPcs() {
    Quotas q = Quotas.defaults();

    assertThat(q.clustersPerServer()).isEqualTo(5);
    assertThat(q.nodeGroupsPerCluster()).isEqualTo(10);
    assertThat(q.queuesPerCluster()).isEqualTo(10);
    assertThat(q.tagsPerResource()).isEqualTo(200);
    assertThat(q.idempotencyTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(q.paginationTokenTtl()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void withClustersPerServerChangesOnlyThatLimit() {
    Quotas q = Quotas.defaults().withClustersPerServer(50);

    assertThat(q.clustersPerServer()).isEqualTo(50);
    assertThat(q.withClustersPerServer(5)).isEqualTo(Quotas.defaults());
  }

  @Test
  void withIdempotencyTtlChangesOnlyThatDuration() {
    Quotas q = Quotas.defaults().withIdempotencyTtl(Duration.ofMinutes(1));

    assertThat(q.idempotencyTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(q.withIdempotencyTtl(Duration.ofHours(8))).isEqualTo(Quotas.defaults());
  }

  @Test
  void theWithersCompose() {
    Quotas q = Quotas.defaults().withClustersPerServer(1).withIdempotencyTtl(Duration.ZERO);

    assertThat(q)
        .isEqualTo(
            new Quotas(1, 10, 10, 200, Duration.ZERO, Quotas.defaults().paginationTokenTtl()));
  }

  @Test
  void sizesFixTheJobAndInstanceCaps() {
    assertThat(Size.SMALL.maxJobs).isEqualTo(256);
    assertThat(Size.MEDIUM.maxJobs).isEqualTo(8_192);
    assertThat(Size.LARGE.maxJobs).isEqualTo(16_384);
    assertThat(Size.SMALL.maxInstances).isEqualTo(32);
    assertThat(Size.MEDIUM.maxInstances).isEqualTo(512);
    assertThat(Size.LARGE.maxInstances).isEqualTo(2_048);
  }
}
