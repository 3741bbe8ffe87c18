package org.openpcs.server.ops;

import org.openpcs.store.StoreTx;

/**
 * One API operation: its wire input type, whether it carries an idempotency token, and the handler
 * that runs inside the request's transaction.
 */
public record Operation<I>(
    String name, Class<I> inputType, boolean idempotent, Handler<I> handler, Precheck<I> precheck) {

  public Operation(String name, Class<I> inputType, boolean idempotent, Handler<I> handler) {
    this(name, inputType, idempotent, handler, null);
  }

  /**
   * The operation's semantic checks that need no stored state, run together with the model
   * validation so one ValidationException names every bad field of a request. Must not write.
   */
  @FunctionalInterface
  public interface Precheck<I> {
    java.util.List<org.openpcs.api.error.ValidationException.Field> problems(I input);
  }

  /** Runs an operation in the caller's transaction; returns a wire response record. */
  @FunctionalInterface
  public interface Handler<I> {
    Object handle(I input, StoreTx tx, CallContext ctx);
  }
}
