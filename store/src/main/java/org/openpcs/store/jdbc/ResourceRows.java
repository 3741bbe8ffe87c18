package org.openpcs.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.Page;
import org.openpcs.store.StaleVersionException;

/**
 * The SQL for one resource table, written once for clusters, node groups and queues. For child
 * kinds every read is scoped to one cluster ({@code clusterId}); for clusters it is ignored.
 */
final class ResourceRows<T> {
  private final Sql sql;
  private final ResourceTable<T> table;
  private final TagRows tags;
  private final List<String> columns;

  ResourceRows(Sql sql, ResourceTable<T> table, TagRows tags) {
    this.sql = sql;
    this.table = table;
    this.tags = tags;
    this.columns = table.columns();
  }

  T insert(T resource) {
    ResourceRow row = table.toRow().apply(resource);
    List<Object> values = new ArrayList<>();
    for (String column : columns) {
      values.add(value(row, column));
    }
    sql.updateUnique(
        duplicateMessage(row),
        "INSERT INTO "
            + table.table()
            + " ("
            + String.join(", ", columns)
            + ") VALUES ("
            + String.join(", ", columns.stream().map(c -> "?").toList())
            + ")",
        values.toArray());
    return resource;
  }

  /** Prefers an id match, so a name can never shadow another resource's id. */
  Optional<T> find(String clusterId, String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    return sql.queryOne(
            select()
                + " WHERE "
                + scope()
                + "(id = ? OR name = ?) ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1",
            this::read,
            scoped(clusterId, idOrName, idOrName, idOrName))
        .map(Sequenced::value);
  }

  List<T> all(String clusterId) {
    String where = table.child() ? " WHERE cluster_id = ?" : "";
    return sql.query(select() + where + " ORDER BY seq", this::read, scoped(clusterId)).stream()
        .map(Sequenced::value)
        .toList();
  }

  /** Keyset paging: fetches one row more than asked to learn whether another page exists. */
  Page<T> page(String clusterId, long afterSeq, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("page limit must be at least 1, was " + limit);
    }
    List<Sequenced<T>> rows =
        sql.query(
            select() + " WHERE " + scope() + "seq > ? ORDER BY seq LIMIT ?",
            this::read,
            scoped(clusterId, afterSeq, limit + 1));
    boolean more = rows.size() > limit;
    List<Sequenced<T>> items = more ? rows.subList(0, limit) : rows;
    long lastSeq = items.isEmpty() ? afterSeq : items.getLast().seq();
    return new Page<>(items.stream().map(Sequenced::value).toList(), lastSeq, more);
  }

  /** Compare-and-set on version; everything but id, cluster and seq is written. */
  T update(T resource) {
    ResourceRow row = table.toRow().apply(resource);
    List<String> assigned = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (String column : columns) {
      if (!column.equals("id") && !column.equals("cluster_id")) {
        assigned.add(column + " = ?");
        values.add(column.equals("version") ? row.version() + 1 : value(row, column));
      }
    }
    values.add(row.id());
    values.add(row.version());
    int updated =
        sql.updateUnique(
            duplicateMessage(row),
            "UPDATE "
                + table.table()
                + " SET "
                + String.join(", ", assigned)
                + " WHERE id = ? AND version = ?",
            values.toArray());
    if (updated == 0) {
      throw new StaleVersionException(
          table.label()
              + " "
              + row.id()
              + " was changed or deleted after version "
              + row.version()
              + " was read");
    }
    return table.withVersion().apply(resource, row.version() + 1);
  }

  /** Deletes one row and its tags; deleting a missing row is not an error. */
  void delete(String id) {
    Objects.requireNonNull(id, "id");
    tags.deleteAll(id);
    sql.update("DELETE FROM " + table.table() + " WHERE id = ?", id);
  }

  /** Deletes every row of a child kind under one cluster, with their tags. */
  void deleteAllOf(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    tags.deleteAllOfChildren(table.table(), clusterId);
    sql.update("DELETE FROM " + table.table() + " WHERE cluster_id = ?", clusterId);
  }

  /** Row lock until commit; a missing row locks nothing. */
  void lock(String id) {
    Objects.requireNonNull(id, "id");
    sql.lockingQuery(
        "SELECT id FROM " + table.table() + " WHERE id = ? FOR UPDATE", rs -> null, id);
  }

  private String select() {
    return "SELECT seq, " + String.join(", ", columns) + " FROM " + table.table();
  }

  private String scope() {
    return table.child() ? "cluster_id = ? AND " : "";
  }

  private Object[] scoped(String clusterId, Object... args) {
    if (!table.child()) {
      return args;
    }
    Objects.requireNonNull(clusterId, "clusterId");
    Object[] all = new Object[args.length + 1];
    all[0] = clusterId;
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
  }

  private String duplicateMessage(ResourceRow row) {
    return "a "
        + table.label()
        + " named '"
        + row.name()
        + "' or with id '"
        + row.id()
        + "' already exists"
        + (table.child() ? " in cluster " + row.clusterId() : "");
  }

  private static Object value(ResourceRow row, String column) {
    return switch (column) {
      case "id" -> Objects.requireNonNull(row.id(), "id");
      case "cluster_id" -> Objects.requireNonNull(row.clusterId(), "clusterId");
      case "name" -> Objects.requireNonNull(row.name(), "name");
      case "spec" -> Objects.requireNonNull(row.spec(), "spec");
      case "status" -> Objects.requireNonNull(row.status(), "status").name();
      case "error_info" -> row.errorInfo();
      case "endpoints" -> row.endpoints();
      case "generation" -> row.generation();
      case "observed_generation" -> row.observedGeneration();
      case "version" -> row.version();
      case "created_at_ns" -> Objects.requireNonNull(row.createdAt(), "createdAt");
      case "modified_at_ns" -> Objects.requireNonNull(row.modifiedAt(), "modifiedAt");
      default -> throw new IllegalArgumentException("unknown column " + column);
    };
  }

  private Sequenced<T> read(ResultSet rs) throws SQLException {
    ResourceRow row =
        new ResourceRow(
            rs.getString("id"),
            table.child() ? rs.getString("cluster_id") : null,
            rs.getString("name"),
            rs.getString("spec"),
            ResourceStatus.valueOf(rs.getString("status")),
            rs.getString("error_info"),
            table.hasEndpoints() ? rs.getString("endpoints") : null,
            rs.getLong("generation"),
            rs.getLong("observed_generation"),
            rs.getLong("version"),
            Sql.instant(rs, "created_at_ns"),
            Sql.instant(rs, "modified_at_ns"));
    return new Sequenced<>(rs.getLong("seq"), table.fromRow().apply(row));
  }

  private record Sequenced<T>(long seq, T value) {}
}
