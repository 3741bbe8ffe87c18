package org.openpcs.server.ops;

import org.openpcs.store.StoreTx;

/**
 * One API operation: its wire input type, whether it carries an idempotency token, and the handler
 * that runs inside the request's transaction.
 */
public record Operation<I>(String name, Class<I> inputType, boolean idempotent, Handler<I> handler) {

  /** Runs an operation in the caller's transaction; returns a wire response record. */
  @FunctionalInterface
  public interface Handler<I> {
    Object handle(I input, StoreTx tx, CallContext ctx);
  }
}
