package org.openpcs.server.ops;

import java.util.Map;
import org.openpcs.api.error.ServiceQuotaExceededException;
import org.openpcs.store.StoreTx;

/** Tag rules shared by create-time tags and TagResource. */
final class Tags {
  private Tags() {}

  /** Keys with the {@code aws:} prefix are reserved for the system, as in AWS. */
  static void checkKeys(Map<String, String> tags, String field, Problems problems) {
    if (tags == null) {
      return;
    }
    for (String key : tags.keySet()) {
      if (key.regionMatches(true, 0, "aws:", 0, 4)) {
        problems.add(field, "Tag key '" + key + "' uses the reserved prefix 'aws:'.");
      }
    }
  }

  /** Adds tags to a resource, refusing to exceed the per-resource limit. */
  static void apply(
      StoreTx tx, String resourceId, String resourceType, Map<String, String> tags, int limit) {
    if (tags == null || tags.isEmpty()) {
      return;
    }
    Map<String, String> current = tx.tags(resourceId);
    long after =
        current.size() + tags.keySet().stream().filter(k -> !current.containsKey(k)).count();
    if (after > limit) {
      throw new ServiceQuotaExceededException(
          "A resource can have at most "
              + limit
              + " tags; this request would leave it with "
              + after
              + ".",
          resourceId,
          resourceType,
          "tags-per-resource");
    }
    tx.putTags(resourceId, tags);
  }
}
