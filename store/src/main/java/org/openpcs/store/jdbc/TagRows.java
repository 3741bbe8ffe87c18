package org.openpcs.store.jdbc;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openpcs.store.DuplicateNameException;

/** Tags of clusters, node groups and queues, keyed by resource id. */
final class TagRows {
  private final Sql sql;

  TagRows(Sql sql) {
    this.sql = sql;
  }

  /** The tags in key order (an unmodifiable map). */
  Map<String, String> of(String resourceId) {
    Map<String, String> tags = new LinkedHashMap<>();
    sql.query(
        "SELECT tag_key, tag_value FROM tags WHERE resource_id = ? ORDER BY tag_key",
        rs -> tags.put(rs.getString(1), rs.getString(2)),
        resourceId);
    return Collections.unmodifiableMap(tags);
  }

  void put(String resourceId, Map<String, String> tags) {
    Objects.requireNonNull(resourceId, "resourceId");
    // Key order gives concurrent writers one lock order, so they queue instead of deadlocking.
    for (Map.Entry<String, String> tag : new TreeMap<>(tags).entrySet()) {
      upsert(resourceId, tag.getKey(), Objects.requireNonNull(tag.getValue(), "tag value"));
    }
  }

  void remove(String resourceId, Collection<String> keys) {
    Objects.requireNonNull(resourceId, "resourceId");
    for (String key : new TreeSet<>(keys)) {
      sql.update("DELETE FROM tags WHERE resource_id = ? AND tag_key = ?", resourceId, key);
    }
  }

  void deleteAll(String resourceId) {
    sql.update("DELETE FROM tags WHERE resource_id = ?", resourceId);
  }

  void deleteAllOfChildren(String childTable, String clusterId) {
    sql.update(
        "DELETE FROM tags WHERE resource_id IN (SELECT id FROM "
            + childTable
            + " WHERE cluster_id = ?)",
        clusterId);
  }

  // Update-then-insert rather than a vendor upsert: H2 lacks ON CONFLICT DO UPDATE and
  // PostgreSQL before 15 lacks MERGE. A concurrent insert of the same key just means we update.
  private void upsert(String resourceId, String key, String value) {
    String update = "UPDATE tags SET tag_value = ? WHERE resource_id = ? AND tag_key = ?";
    if (sql.update(update, value, resourceId, key) > 0) {
      return;
    }
    try {
      sql.updateUnique(
          "tag " + key + " of " + resourceId + " already exists",
          "INSERT INTO tags (resource_id, tag_key, tag_value) VALUES (?, ?, ?)",
          resourceId,
          key,
          value);
    } catch (DuplicateNameException raced) {
      sql.update(update, value, resourceId, key);
    }
  }
}
