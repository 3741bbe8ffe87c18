package org.openpcs.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openpcs.domain.AccessKey;

/** API access keys (secrets arrive already sealed; the store never sees them in clear). */
final class AccessKeyRows {
  private static final String SELECT =
      "SELECT access_key_id, sealed_secret, description, admin, created_at_ns FROM access_keys";

  private final Sql sql;

  AccessKeyRows(Sql sql) {
    this.sql = sql;
  }

  void insert(AccessKey key) {
    sql.updateUnique(
        "access key " + key.accessKeyId() + " already exists",
        "INSERT INTO access_keys (access_key_id, sealed_secret, description, admin, created_at_ns)"
            + " VALUES (?, ?, ?, ?, ?)",
        Objects.requireNonNull(key.accessKeyId(), "accessKeyId"),
        key.sealedSecret(),
        key.description(),
        key.admin(),
        key.createdAt());
  }

  Optional<AccessKey> find(String accessKeyId) {
    return sql.queryOne(SELECT + " WHERE access_key_id = ?", AccessKeyRows::read, accessKeyId);
  }

  List<AccessKey> all() {
    return sql.query(SELECT + " ORDER BY created_at_ns, access_key_id", AccessKeyRows::read);
  }

  boolean delete(String accessKeyId) {
    return sql.update("DELETE FROM access_keys WHERE access_key_id = ?", accessKeyId) > 0;
  }

  private static AccessKey read(ResultSet rs) throws SQLException {
    return new AccessKey(
        rs.getString("access_key_id"),
        rs.getString("sealed_secret"),
        rs.getString("description"),
        rs.getBoolean("admin"),
        Sql.instant(rs, "created_at_ns"));
  }
}
