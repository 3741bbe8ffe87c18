package org.openpcs.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A fresh, empty PostgreSQL database for one run, created through the server's maintenance database
 * and dropped again on {@link #close()}, so runs never see each other's rows.
 */
final class PostgresDatabase implements AutoCloseable {
  private static final String PREFIX = "jdbc:postgresql://";

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String name;

  private PostgresDatabase(String adminUrl, String user, String password, String name) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.name = name;
  }

  /**
   * Creates {@code openpcs_bench_<random>} on the server that {@code adminUrl} (e.g. {@code
   * jdbc:postgresql://127.0.0.1:5432/postgres}) points at.
   */
  static PostgresDatabase create(String adminUrl, String user, String password) {
    if (!adminUrl.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "--database-url must be a jdbc:postgresql://127.0.0.1:PORT/DB URL, not " + adminUrl);
    }
    BenchTarget.requireLoopback(
        URI.create(adminUrl.substring("jdbc:".length())).getHost(), "--database-url");
    String name =
        "openpcs_bench_" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    PostgresDatabase db = new PostgresDatabase(adminUrl, user, password, name);
    db.execute("CREATE DATABASE " + name);
    return db;
  }

  String name() {
    return name;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The JDBC URL of the fresh database: the admin URL with its database name replaced. */
  String jdbcUrl() {
    String rest = adminUrl.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    int query = rest.indexOf('?');
    String hostPort =
        slash >= 0 ? rest.substring(0, slash) : query >= 0 ? rest.substring(0, query) : rest;
    String params = query >= 0 ? rest.substring(query) : "";
    return PREFIX + hostPort + "/" + name + params;
  }

  @Override
  public void close() {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void execute(String sql) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    try (Connection c = DriverManager.getConnection(adminUrl, props);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + adminUrl + ": " + sql + " failed: " + e.getMessage(), e);
    }
  }
}
