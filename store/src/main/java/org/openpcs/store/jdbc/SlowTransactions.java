package org.openpcs.store.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about a transaction that waited long for a connection or for the write gate, or held the
 * gate long, and names the code that ran it. On H2 every write goes through one gate (D27), so one
 * slow writer delays all others, and their waits end as "no connection" or "the store is busy"
 * errors 30 s later somewhere else; this log says who held the store meanwhile.
 */
final class SlowTransactions {
  private static final Logger log = LoggerFactory.getLogger(SlowTransactions.class);

  /**
   * A gate held this long delays every other write by as much; a connection held this long is one
   * of the pool's few taken from everyone else.
   */
  static final Duration HELD = Duration.ofSeconds(1);

  /** Waiting this long for a connection or the gate means the store is overloaded. */
  static final Duration WAITED = Duration.ofSeconds(5);

  /**
   * At most one warning this often. When the machine itself stalls (a 1,000-node burst on two
   * cores), every transaction of that second is slow at once; one line, with a count, says so.
   */
  static final Duration EVERY = Duration.ofSeconds(1);

  private final long everyNanos;
  private final AtomicLong lastWarned;
  private final AtomicInteger unreported = new AtomicInteger();

  SlowTransactions() {
    this(EVERY);
  }

  SlowTransactions(Duration every) {
    this.everyNanos = every.toNanos();
    this.lastWarned = new AtomicLong(System.nanoTime() - everyNanos);
  }

  void report(long connectWaitNanos, long connectionHeldNanos, Sql sql) {
    String what =
        describe(connectWaitNanos, connectionHeldNanos, sql.gateWaitNanos(), sql.gateHeldNanos());
    if (what == null) {
      return;
    }
    long now = System.nanoTime();
    long last = lastWarned.get();
    if (now - last < everyNanos || !lastWarned.compareAndSet(last, now)) {
      unreported.incrementAndGet();
      return;
    }
    int others = unreported.getAndSet(0);
    log.warn(
        "slow store transaction from {}: {}{}",
        caller(),
        what,
        others == 0 ? "" : " (and " + others + " more since the last such warning)");
  }

  /** What was slow, or null when nothing was. Pure, for tests. */
  static String describe(
      long connectWaitNanos, long connectionHeldNanos, long gateWaitNanos, long gateHeldNanos) {
    boolean slow =
        connectWaitNanos >= WAITED.toNanos()
            || gateWaitNanos >= WAITED.toNanos()
            || connectionHeldNanos >= HELD.toNanos()
            || gateHeldNanos >= HELD.toNanos();
    if (!slow) {
      return null;
    }
    return "waited "
        + millis(connectWaitNanos)
        + " ms for a connection and held it "
        + millis(connectionHeldNanos)
        + " ms; waited "
        + millis(gateWaitNanos)
        + " ms for the write gate and held it "
        + millis(gateHeldNanos)
        + " ms";
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  /**
   * The three frames below {@link JdbcStore#inTransaction}: the code that opened the transaction
   * and its callers (the first alone is often a shared helper).
   */
  private static String caller() {
    String code =
        StackWalker.getInstance()
            .walk(
                frames ->
                    frames
                        .dropWhile(f -> !isInTransaction(f))
                        .dropWhile(SlowTransactions::isInTransaction)
                        .limit(3)
                        .map(
                            f ->
                                simpleName(f.getClassName())
                                    + "."
                                    + f.getMethodName()
                                    + ":"
                                    + f.getLineNumber())
                        .collect(Collectors.joining(" < ")));
    return code.isEmpty() ? "(not inside a transaction)" : code;
  }

  private static boolean isInTransaction(StackWalker.StackFrame f) {
    return f.getClassName().equals(JdbcStore.class.getName())
        && f.getMethodName().equals("inTransaction");
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
