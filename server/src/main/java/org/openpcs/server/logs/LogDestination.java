package org.openpcs.server.logs;

import java.util.List;

/**
 * One place records go (files, stdout, a log store). Called from the destination's own thread only,
 * so an implementation needs no locking and may take its time: {@link BufferedDestination} keeps
 * the producers away from it.
 */
public interface LogDestination extends AutoCloseable {
  /** A short name for drop counts and diagnostics ({@code file}, {@code stdout}, {@code http}). */
  String name();

  /**
   * Writes a batch. Throwing drops the batch (it is counted); a destination that can recover (HTTP)
   * retries inside, checking {@link Thread#isInterrupted()} to give up at shutdown.
   */
  void write(List<LogRecord> batch) throws Exception;

  @Override
  default void close() {}
}
