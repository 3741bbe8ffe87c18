package org.openpcs.control;

import java.time.Duration;
import java.util.List;

/**
 * The contract every controller follows: level-triggered and idempotent. {@link #reconcile}
 * re-reads the desired state from the store and the observed state from the world, acts, and says
 * when it wants to look again. It is never called twice at once for the same key.
 */
public interface Reconciler {

  /** What to do after a pass. */
  sealed interface Result {
    /** Converged: look again only on the next event or periodic resync. */
    record Done() implements Result {}

    /** Not converged yet (or a transient failure): look again after {@code delay}. */
    record RequeueAfter(Duration delay) implements Result {}
  }

  Result DONE = new Result.Done();

  static Result requeueAfter(Duration delay) {
    return new Result.RequeueAfter(delay);
  }

  Result reconcile(ResourceKey key);

  /** Every key this reconciler owns right now; the periodic resync enqueues them all. */
  List<ResourceKey> allKeys();
}
