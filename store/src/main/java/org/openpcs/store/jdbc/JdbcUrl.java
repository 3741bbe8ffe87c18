package org.openpcs.store.jdbc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * A JDBC URL the store accepts: the URL to connect with, its driver, and a description for logs
 * that never contains credentials.
 */
record JdbcUrl(String url, String driverClass, String description) {
  private static final String H2 = "jdbc:h2:";
  private static final String POSTGRESQL = "jdbc:postgresql:";

  /**
   * Settings that make H2 accept the store's (PostgreSQL-compatible) SQL and behave like PostgreSQL
   * where it matters; the lock timeout is raised from H2's 1 s because writers legitimately queue
   * behind a quota lock. Settings already in the URL are kept.
   */
  private static final Map<String, String> H2_SETTINGS = new LinkedHashMap<>();

  static {
    H2_SETTINGS.put("MODE", "PostgreSQL");
    H2_SETTINGS.put("DATABASE_TO_LOWER", "TRUE");
    H2_SETTINGS.put("DEFAULT_NULL_ORDERING", "HIGH");
    H2_SETTINGS.put("LOCK_TIMEOUT", "30000");
    // Write every commit to the file at once: by default H2 delays file writes by up to a second,
    // so a kill -9 lost writes the API had already acknowledged.
    H2_SETTINGS.put("WRITE_DELAY", "0");
  }

  /**
   * File databases may be opened by a second process (e.g. {@code openpcs keys} while the server
   * runs): H2 then serves the file over a local TCP port to both.
   */
  private static final String AUTO_SERVER = "AUTO_SERVER";

  boolean h2() {
    return url.startsWith(H2);
  }

  static JdbcUrl parse(String url) {
    Objects.requireNonNull(url, "jdbcUrl");
    if (url.startsWith(H2)) {
      return new JdbcUrl(withH2Settings(url), "org.h2.Driver", describeH2(url));
    }
    if (url.startsWith(POSTGRESQL)) {
      return new JdbcUrl(url, "org.postgresql.Driver", describePostgres(url));
    }
    int scheme = url.indexOf(':', url.indexOf(':') + 1);
    throw new IllegalArgumentException(
        "unsupported database URL '"
            + (scheme > 0 ? url.substring(0, scheme + 1) + "..." : "<not a JDBC URL>")
            + "': the store runs on H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...)");
  }

  /** The embedded database in {@code dataDir}: H2 keeps it in {@code openpcs.mv.db}. */
  static String h2File(Path dataDir) {
    String base = dataDir.toAbsolutePath().normalize().resolve("openpcs").toString();
    if (base.indexOf(';') >= 0) {
      // H2 would read the rest of the path as connection settings.
      throw new IllegalArgumentException("data directory must not contain ';': " + dataDir);
    }
    return withH2Settings(H2 + "file:" + base);
  }

  private static String withH2Settings(String url) {
    String upper = url.toUpperCase(Locale.ROOT);
    StringBuilder result = new StringBuilder(url);
    H2_SETTINGS.forEach(
        (key, value) -> {
          if (!upper.contains(";" + key + "=")) {
            result.append(';').append(key).append('=').append(value);
          }
        });
    if (!upper.contains(":MEM:") && !upper.contains(";" + AUTO_SERVER + "=")) {
      result.append(';').append(AUTO_SERVER).append("=TRUE");
    }
    return result.toString();
  }

  private static String describeH2(String url) {
    String target = url.substring(H2.length());
    int settings = target.indexOf(';');
    if (settings >= 0) {
      target = target.substring(0, settings); // settings may hold a PASSWORD
    }
    if (target.startsWith("mem:") || target.startsWith("tcp:") || target.startsWith("ssl:")) {
      return "H2 " + target;
    }
    String path = target.startsWith("file:") ? target.substring("file:".length()) : target;
    return "H2 " + path + ".mv.db";
  }

  private static String describePostgres(String url) {
    Properties parsed = Driver.parseURL(url, null);
    if (parsed == null) {
      throw new IllegalArgumentException("malformed PostgreSQL JDBC URL");
    }
    String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
    String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < hosts.length; i++) {
      servers.add(hosts[i] + ":" + (i < ports.length ? ports[i] : ports[ports.length - 1]));
    }
    return "PostgreSQL " + String.join(",", servers) + "/" + parsed.getProperty("PGDBNAME", "");
  }
}
