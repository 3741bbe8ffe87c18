package org.openpcs.store.jdbc;

import java.util.Objects;
import java.util.Optional;
import org.openpcs.store.DuplicateNameException;

/** Server settings: a small key/value table. */
final class SettingRows {
  private static final String SELECT = "SELECT setting_value FROM settings WHERE setting_key = ?";

  private final Sql sql;

  SettingRows(Sql sql) {
    this.sql = sql;
  }

  Optional<String> get(String key) {
    return sql.queryOne(SELECT, rs -> rs.getString(1), key);
  }

  /**
   * First writer wins through the primary key: a concurrent inserter waits for the first one to
   * commit, gets a unique violation and then reads the committed value (READ COMMITTED gives each
   * statement a fresh snapshot).
   */
  String putIfAbsent(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Optional<String> existing = get(key);
    if (existing.isPresent()) {
      return existing.get();
    }
    try {
      sql.updateUnique(
          "setting " + key + " already exists",
          "INSERT INTO settings (setting_key, setting_value) VALUES (?, ?)",
          key,
          value);
      return value;
    } catch (DuplicateNameException lost) {
      return get(key)
          .orElseThrow(
              () -> new IllegalStateException("setting " + key + " was taken but is not visible"));
    }
  }

  /** Sets a value, replacing any earlier one. */
  void put(String key, String value) {
    Objects.requireNonNull(value, "value");
    if (sql.update("UPDATE settings SET setting_value = ? WHERE setting_key = ?", value, key)
        == 0) {
      putIfAbsent(key, value);
    }
  }
}
