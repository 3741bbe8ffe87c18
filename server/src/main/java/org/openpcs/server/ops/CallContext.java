package org.openpcs.server.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-request facts handlers may use: the request id, the authenticated access key, the one "now"
 * of this request, and actions to run only once the transaction committed (waking controllers).
 */
public final class CallContext {
  private final String requestId;
  private final String principal;
  private final Instant now;
  private final List<Runnable> afterCommit = new ArrayList<>();

  public CallContext(String requestId, String principal, Instant now) {
    this.requestId = requestId;
    this.principal = principal;
    this.now = now;
  }

  public String requestId() {
    return requestId;
  }

  public String principal() {
    return principal;
  }

  public Instant now() {
    return now;
  }

  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /** Runs and forgets the after-commit actions. */
  public void committed() {
    afterCommit.forEach(Runnable::run);
    afterCommit.clear();
  }

  /** Drops the after-commit actions of a transaction that rolled back. */
  public void rolledBack() {
    afterCommit.clear();
  }
}
