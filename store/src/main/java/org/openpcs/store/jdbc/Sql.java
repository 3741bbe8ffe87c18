package org.openpcs.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openpcs.store.DuplicateNameException;
import org.openpcs.store.StoreUnavailableException;

/**
 * Statements on the one connection of a transaction, with the store's exception rules: a unique
 * violation (SQLState 23505 on both databases) is a {@link DuplicateNameException}, anything else a
 * {@link StoreUnavailableException}.
 */
final class Sql {
  private static final String UNIQUE_VIOLATION = "23505";

  /** Reads one row; may throw SQLException like ResultSet itself. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final WriteGate gate;
  private boolean ended;
  private boolean holdsGate;
  private long gateWaitNanos;
  private long gateEnteredAt;
  private long gateHeldNanos;

  Sql(Connection connection, WriteGate gate) {
    this.connection = connection;
    this.gate = gate;
  }

  /** How long this transaction waited at the write gate (0 when it did not enter it). */
  long gateWaitNanos() {
    return gateWaitNanos;
  }

  /**
   * How long this transaction held the write gate, once it has left it (0 when it never entered).
   */
  long gateHeldNanos() {
    return gateHeldNanos;
  }

  /** Leaves the write gate if this transaction entered it; called once its commit has returned. */
  void leaveGate() {
    if (holdsGate) {
      gate.exit();
      holdsGate = false;
      gateHeldNanos = System.nanoTime() - gateEnteredAt;
    }
  }

  /** Called when the transaction ends: a StoreTx kept beyond it must not touch a pooled handle. */
  void end() {
    ended = true;
  }

  int update(String sql, Object... args) {
    enterGate();
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(sql, e);
    }
  }

  /**
   * Runs a write that may hit a unique key. The statement runs under a savepoint so that a
   * violation undoes only this statement: on PostgreSQL a failed statement would otherwise abort
   * the whole transaction, and callers may want to carry on (e.g. read the row that won).
   */
  int updateUnique(String duplicateMessage, String sql, Object... args) {
    enterGate();
    Savepoint savepoint = savepoint(sql);
    int rows;
    try (PreparedStatement ps = prepare(sql, args)) {
      rows = ps.executeUpdate();
    } catch (SQLException e) {
      rollbackTo(savepoint, e);
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new DuplicateNameException(duplicateMessage, e);
      }
      throw unavailable(sql, e);
    }
    try {
      connection.releaseSavepoint(savepoint);
    } catch (SQLException e) {
      throw unavailable("RELEASE SAVEPOINT", e);
    }
    return rows;
  }

  <T> List<T> query(String sql, Reader<T> reader, Object... args) {
    try (PreparedStatement ps = prepare(sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(reader.read(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw unavailable(sql, e);
    }
  }

  /** A {@code SELECT ... FOR UPDATE}: a row lock is a write as far as the write gate goes. */
  <T> List<T> lockingQuery(String sql, Reader<T> reader, Object... args) {
    enterGate();
    return query(sql, reader, args);
  }

  <T> Optional<T> queryOne(String sql, Reader<T> reader, Object... args) {
    List<T> rows = query(sql, reader, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return EpochNanos.toInstant(rs.getLong(column));
  }

  static StoreUnavailableException unavailable(String what, SQLException e) {
    return new StoreUnavailableException(
        "database operation failed (SQLState " + e.getSQLState() + "): " + what, e);
  }

  private void enterGate() {
    if (!holdsGate && !ended) {
      long start = System.nanoTime();
      try {
        gate.enter();
      } finally {
        // also when the wait timed out: the warning then shows how long it was
        gateEnteredAt = System.nanoTime();
        gateWaitNanos = gateEnteredAt - start;
      }
      holdsGate = true;
    }
  }

  private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
    if (ended) {
      throw new IllegalStateException("the transaction has ended; use StoreTx only inside it");
    }
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      bind(ps, args);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /** A typed NULL for nullable BIGINT columns (a VARCHAR null is refused there by PostgreSQL). */
  record NullBigint() {}

  /** An optional instant for a nullable epoch-nanosecond column. */
  static Object nullableInstant(Instant t) {
    return t == null ? new NullBigint() : t;
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      int index = i + 1;
      switch (args[i]) {
        // Only text columns are nullable, so a typed VARCHAR null suits both drivers.
        case null -> ps.setNull(index, Types.VARCHAR);
        case String s -> ps.setString(index, s);
        case Long l -> ps.setLong(index, l);
        case Integer n -> ps.setInt(index, n);
        case Boolean b -> ps.setBoolean(index, b);
        case Instant t -> ps.setLong(index, EpochNanos.of(t));
        case NullBigint n -> ps.setNull(index, Types.BIGINT);
        default ->
            throw new IllegalArgumentException("cannot bind a " + args[i].getClass().getName());
      }
    }
  }

  private Savepoint savepoint(String sql) {
    if (ended) {
      throw new IllegalStateException("the transaction has ended; use StoreTx only inside it");
    }
    try {
      return connection.setSavepoint();
    } catch (SQLException e) {
      throw unavailable("SAVEPOINT before " + sql, e);
    }
  }

  private void rollbackTo(Savepoint savepoint, SQLException failure) {
    try {
      connection.rollback(savepoint);
    } catch (SQLException e) {
      failure.addSuppressed(e);
      throw unavailable("ROLLBACK TO SAVEPOINT", failure);
    }
  }
}
