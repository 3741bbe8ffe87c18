package org.openpcs.domain;

import java.time.Duration;

/**
 * Limits the API enforces. Defaults are PCS's: 5 clusters, 10 node groups and 10 queues per
 * cluster, 200 tags per resource; idempotency tokens live 8 hours, pagination tokens 24 hours.
 */
public record Quotas(
    int clustersPerServer,
    int nodeGroupsPerCluster,
    int queuesPerCluster,
    int tagsPerResource,
    Duration idempotencyTtl,
    Duration paginationTokenTtl) {

  public static Quotas defaults() {
    return new Quotas(5, 10, 10, 200, Duration.ofHours(8), Duration.ofHours(24));
  }

  public Quotas withClustersPerServer(int n) {
    return new Quotas(
        n,
        nodeGroupsPerCluster,
        queuesPerCluster,
        tagsPerResource,
        idempotencyTtl,
        paginationTokenTtl);
  }

  public Quotas withIdempotencyTtl(Duration ttl) {
    return new Quotas(
        clustersPerServer,
        nodeGroupsPerCluster,
        queuesPerCluster,
        tagsPerResource,
        ttl,
        paginationTokenTtl);
  }
}
