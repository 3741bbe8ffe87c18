package org.openpcs.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.store.EventQuery;
import org.openpcs.store.Page;

/** The events table: appended in batches, read by cursor, purged by age. */
final class EventRows {
  private final Sql sql;

  EventRows(Sql sql) {
    this.sql = sql;
  }

  void append(List<Event> events) {
    for (Event e : events) {
      sql.update(
          "INSERT INTO events (cluster_id, resource_kind, resource_id, severity, reason, message,"
              + " time_ns) VALUES (?, ?, ?, ?, ?, ?, ?)",
          e.clusterId(),
          e.resourceKind().name(),
          e.resourceId(),
          e.severity().name(),
          e.reason(),
          e.message(),
          e.time());
    }
  }

  Page<Event> page(EventQuery q) {
    StringBuilder where = new StringBuilder(" WHERE seq > ?");
    List<Object> args = new ArrayList<>();
    args.add(q.afterSeq());
    if (q.clusterId() != null) {
      where.append(" AND cluster_id = ?");
      args.add(q.clusterId());
    }
    if (q.resourceId() != null) {
      where.append(" AND resource_id = ?");
      args.add(q.resourceId());
    }
    if (q.since() != null) {
      where.append(" AND time_ns >= ?");
      args.add(q.since());
    }
    // One row more than asked tells whether another page exists.
    List<Sequenced> rows =
        sql.query(
            "SELECT seq, cluster_id, resource_kind, resource_id, severity, reason, message, time_ns"
                + " FROM events"
                + where
                + " ORDER BY seq LIMIT ?",
            EventRows::read,
            withLimit(args, q.limit() + 1));
    boolean more = rows.size() > q.limit();
    List<Sequenced> page = more ? rows.subList(0, q.limit()) : rows;
    long lastSeq = page.isEmpty() ? q.afterSeq() : page.getLast().seq();
    return new Page<>(page.stream().map(Sequenced::event).toList(), lastSeq, more);
  }

  private static Object[] withLimit(List<Object> args, int limit) {
    args.add(limit);
    return args.toArray();
  }

  int purge(Instant cutoff) {
    return sql.update("DELETE FROM events WHERE time_ns < ?", cutoff);
  }

  private record Sequenced(long seq, Event event) {}

  private static Sequenced read(ResultSet rs) throws SQLException {
    return new Sequenced(
        rs.getLong("seq"),
        new Event(
            Sql.instant(rs, "time_ns"),
            rs.getString("cluster_id"),
            ResourceKind.valueOf(rs.getString("resource_kind")),
            rs.getString("resource_id"),
            Event.Severity.valueOf(rs.getString("severity")),
            rs.getString("reason"),
            rs.getString("message")));
  }
}
