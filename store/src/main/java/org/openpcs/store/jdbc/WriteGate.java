package org.openpcs.store.jdbc;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openpcs.store.StoreUnavailableException;

/**
 * Admits one writing transaction at a time, from its first write (or row lock) until after its
 * commit or rollback has returned. Embedded H2 needs it: with {@code WRITE_DELAY=0} (every commit
 * written to the file before it returns, see {@link JdbcUrl}) a transaction could lock and
 * overwrite a row while the transaction that last changed it was still inside its commit, reading
 * that row's previous value, so two compare-and-set updates from the same version both succeeded
 * (about one lost update per thirty rounds of 16 racing writers; the store contract's {@code
 * readModifyWriteWithRetryLosesNoUpdate} caught it). Behind the gate a writer only starts once
 * every earlier commit is complete. PostgreSQL needs no gate: its row locks are held until the
 * commit is visible.
 */
interface WriteGate {
  void enter();

  void exit();

  /** For PostgreSQL. */
  WriteGate OPEN =
      new WriteGate() {
        @Override
        public void enter() {}

        @Override
        public void exit() {}
      };

  /** How long a writer waits at the gate: H2's own lock timeout, which the gate replaces. */
  Duration WAIT = Duration.ofSeconds(30);

  /**
   * For H2: one writer at a time in this process, first come first served. A semaphore, not a lock:
   * it has no owning thread, so leaving never depends on which thread ends the transaction. A
   * writer that waits longer than {@link #WAIT} gets a {@link StoreUnavailableException} (the
   * transaction rolls back) instead of waiting for ever behind a stuck one.
   */
  static WriteGate exclusive() {
    return exclusive(WAIT);
  }

  static WriteGate exclusive(Duration wait) {
    Semaphore permit = new Semaphore(1, true);
    return new WriteGate() {
      @Override
      public void enter() {
        try {
          if (!permit.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new StoreUnavailableException(
                "the store is busy: another write has held it for over " + wait.toMillis() + " ms",
                null);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreUnavailableException("interrupted while waiting to write", e);
        }
      }

      @Override
      public void exit() {
        permit.release();
      }
    };
  }
}
