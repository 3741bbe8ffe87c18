package org.openpcs.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openpcs.store.Store;
import org.openpcs.store.StoreContract;

/**
 * The store contract on a real PostgreSQL server: a fresh database for this class, dropped
 * afterwards. The server defaults to 127.0.0.1:5432 as user postgres with trust auth (as on CI);
 * {@code OPENPCS_TEST_PG_URL} / {@code OPENPCS_TEST_PG_USER} / {@code OPENPCS_TEST_PG_PASSWORD}
 * point it elsewhere.
 */
class PostgresStoreIT extends StoreContract {
  private static final String SERVER_URL =
      env("OPENPCS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String USER = env("OPENPCS_TEST_PG_USER", "postgres");
  private static final String PASSWORD = env("OPENPCS_TEST_PG_PASSWORD", "");

  private static String database;

  @BeforeAll
  static void createDatabase() throws SQLException {
    database = "openpcs_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (database != null) {
      admin("DROP DATABASE IF EXISTS " + database);
    }
  }

  @Override
  protected Store openStore() {
    return JdbcStore.open(databaseUrl(), USER, PASSWORD);
  }

  /** The server URL with its database replaced by this class's database. */
  private static String databaseUrl() {
    int query = SERVER_URL.indexOf('?');
    String base = query < 0 ? SERVER_URL : SERVER_URL.substring(0, query);
    String params = query < 0 ? "" : SERVER_URL.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
