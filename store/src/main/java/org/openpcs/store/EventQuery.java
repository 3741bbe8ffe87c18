package org.openpcs.store;

import java.time.Instant;

/**
 * Which events to read: optionally one cluster and one resource of it, optionally only those at or
 * after {@code since}; always those after the cursor {@code afterSeq} (0 for the start), oldest
 * first, at most {@code limit}.
 */
public record EventQuery(
    String clusterId, String resourceId, Instant since, long afterSeq, int limit) {
  public EventQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    if (afterSeq < 0) {
      throw new IllegalArgumentException("afterSeq must not be negative");
    }
  }
}
