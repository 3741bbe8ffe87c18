package org.openpcs.store.jdbc;

import java.util.concurrent.locks.ReentrantLock;

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

  /** For H2: one writer at a time in this process, first come first served. */
  static WriteGate exclusive() {
    ReentrantLock lock = new ReentrantLock(true);
    return new WriteGate() {
      @Override
      public void enter() {
        lock.lock();
      }

      @Override
      public void exit() {
        lock.unlock();
      }
    };
  }
}
