package org.openpcs.store;

import java.util.function.Function;

/**
 * The persistence port. All reads and writes happen inside {@link #inTransaction}; a transaction
 * either commits whole or changes nothing. Implementations: {@code JdbcStore} on H2 and PostgreSQL.
 */
public interface Store extends AutoCloseable {

  /**
   * Runs {@code work} in one database transaction and commits it. Any exception rolls back and is
   * rethrown unchanged ({@link StoreException} subclasses for store-level conflicts).
   */
  <T> T inTransaction(Function<StoreTx, T> work);

  /** A short description for the startup log line, e.g. {@code "H2 file /x/openpcs"}. */
  String describe();

  @Override
  void close();
}
