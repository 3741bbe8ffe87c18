package org.openpcs.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.openpcs.store.Store;
import org.openpcs.store.StoreTx;
import org.openpcs.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on H2 or PostgreSQL: a small connection pool, schema migrations at open, and one
 * connection per transaction (READ COMMITTED; optimistic versions and explicit row locks do the
 * rest).
 */
public final class JdbcStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

  /**
   * PostgreSQL's pool: transactions are short, and more connections than this would only queue
   * inside the database, which shares the machine's cores.
   */
  static final int POSTGRES_POOL_SIZE = 8;

  /**
   * H2's pool: about every thread that may run a transaction at once (32 API threads, 16 parallel
   * launches, the controllers). H2 runs in this process, a connection is a session in memory, and
   * its readers never wait for a writer; writers queue at the write gate (D27) holding their
   * connection. With 8 connections, a 1,000-node burst had launches wait 5–6 s for one and nine
   * agent heartbeats fail after 30 s (D45).
   */
  static final int H2_POOL_SIZE = 48;

  private final HikariDataSource pool;
  private final String description;
  private final WriteGate gate;

  private JdbcStore(HikariDataSource pool, String description, WriteGate gate) {
    this.pool = pool;
    this.description = description;
    this.gate = gate;
  }

  /**
   * Connects and migrates the schema to the newest version. {@code jdbcUrl} starts with {@code
   * jdbc:h2:} (settings the store needs are appended unless present) or {@code jdbc:postgresql:};
   * anything else is an {@link IllegalArgumentException}.
   *
   * @throws StoreUnavailableException when the database cannot be reached or migrated
   */
  public static JdbcStore open(String jdbcUrl, String user, String password) {
    JdbcUrl url = JdbcUrl.parse(jdbcUrl);
    HikariDataSource pool = openPool(url, user, password);
    try {
      // Flyway gets its own plain connections: the pool's are non-autocommit by design.
      Flyway.configure(JdbcStore.class.getClassLoader())
          .dataSource(url.url(), user, password)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreUnavailableException("cannot migrate the schema of " + url.description(), e);
    }
    return new JdbcStore(
        pool, url.description(), url.h2() ? WriteGate.exclusive() : WriteGate.OPEN);
  }

  /** The default embedded database URL for a data directory (file {@code openpcs.mv.db}). */
  public static String h2FileUrl(Path dataDir) {
    return JdbcUrl.h2File(dataDir);
  }

  private static HikariDataSource openPool(JdbcUrl url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("openpcs-store");
    config.setJdbcUrl(url.url());
    config.setDriverClassName(url.driverClass());
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(url.h2() ? H2_POOL_SIZE : POSTGRES_POOL_SIZE);
    config.setMinimumIdle(1);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot connect to " + url.description(), e);
    }
  }

  @Override
  public <T> T inTransaction(Function<StoreTx, T> work) {
    Objects.requireNonNull(work, "work");
    if (inside.get() != null) {
      // A transaction opened inside another holds a second pooled connection: enough threads
      // doing it at once take the whole pool and wait for each other until the pool times out.
      throw new IllegalStateException("a transaction was opened inside another one");
    }
    long asked = System.nanoTime();
    Connection connection = connect();
    long connected = System.nanoTime();
    inside.set(Boolean.TRUE);
    Sql sql = new Sql(connection, gate);
    try {
      T result = work.apply(new JdbcStoreTx(sql));
      sql.end();
      commit(connection);
      return result;
    } catch (Throwable failure) {
      sql.end();
      rollback(connection, failure);
      throw failure;
    } finally {
      sql.leaveGate(); // only now: the commit (or rollback) has returned
      inside.remove();
      long held = System.nanoTime() - connected;
      close(connection);
      slow.report(connected - asked, held, sql);
    }
  }

  private final SlowTransactions slow = new SlowTransactions();

  /** Set while the current thread is in a transaction of this store. */
  private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }

  private Connection connect() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StoreUnavailableException("no connection to " + description, e);
    }
  }

  private static void commit(Connection connection) {
    try {
      connection.commit();
    } catch (SQLException e) {
      throw Sql.unavailable("COMMIT", e);
    }
  }

  private static void rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      // The original failure is what the caller must see; the pool discards a broken connection.
      failure.addSuppressed(e);
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing a store connection failed", e);
    }
  }
}
