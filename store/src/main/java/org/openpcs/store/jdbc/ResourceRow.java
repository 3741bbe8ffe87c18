package org.openpcs.store.jdbc;

import java.time.Instant;
import org.openpcs.domain.ResourceStatus;

/**
 * The columns the three resource tables share, with JSON already encoded: clusters, node groups and
 * queues differ only in how their records map to this, so their SQL is written once ({@link
 * ResourceRows}). {@code clusterId} is null for clusters, {@code endpoints} for everything else.
 */
record ResourceRow(
    String id,
    String clusterId,
    String name,
    String spec,
    ResourceStatus status,
    String errorInfo,
    String endpoints,
    long generation,
    long observedGeneration,
    long version,
    Instant createdAt,
    Instant modifiedAt) {}
