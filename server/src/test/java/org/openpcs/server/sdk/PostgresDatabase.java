package org.openpcs.server.sdk;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh PostgreSQL database on the local server (127.0.0.1:5432, user postgres, trust auth). */
final class PostgresDatabase implements AutoCloseable {
  static final String USER = "postgres";
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private final String name;

  private PostgresDatabase(String name) {
    this.name = name;
  }

  static PostgresDatabase create() {
    String name = "openpcs_it_" + randomSuffix();
    admin("CREATE DATABASE " + name);
    return new PostgresDatabase(name);
  }

  String url() {
    return SERVER + name;
  }

  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at 127.0.0.1:5432 (user postgres) is needed for this test: " + sql, e);
    }
  }

  private static String randomSuffix() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }
}
