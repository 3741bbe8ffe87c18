package org.openpcs.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.openpcs.domain.IdempotencyRecord;

/** The first response to each client token. */
final class IdempotencyRows {
  private final Sql sql;

  IdempotencyRows(Sql sql) {
    this.sql = sql;
  }

  Optional<IdempotencyRecord> find(String clientToken) {
    return sql.queryOne(
        "SELECT client_token, operation, request_hash, response, created_at_ns"
            + " FROM idempotency WHERE client_token = ?",
        IdempotencyRows::read,
        clientToken);
  }

  void insert(IdempotencyRecord record) {
    sql.updateUnique(
        "client token '" + record.clientToken() + "' is already recorded",
        "INSERT INTO idempotency (client_token, operation, request_hash, response, created_at_ns)"
            + " VALUES (?, ?, ?, ?, ?)",
        Objects.requireNonNull(record.clientToken(), "clientToken"),
        record.operation(),
        record.requestHash(),
        record.response(),
        record.createdAt());
  }

  int purge(Instant cutoff) {
    return sql.update("DELETE FROM idempotency WHERE created_at_ns < ?", cutoff);
  }

  private static IdempotencyRecord read(ResultSet rs) throws SQLException {
    return new IdempotencyRecord(
        rs.getString("client_token"),
        rs.getString("operation"),
        rs.getString("request_hash"),
        rs.getString("response"),
        Sql.instant(rs, "created_at_ns"));
  }
}
