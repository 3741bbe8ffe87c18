package org.openpcs.control;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.StaleVersionException;
import org.openpcs.store.Store;

/**
 * Drives one resource kind through its lifecycle: {@code CREATING/UPDATING → ACTIVE} (or {@code
 * *_FAILED} with errorInfo) once the backend reports the world converged, {@code DELETING → gone}
 * once the backend removed everything. Only this class writes status and observedGeneration.
 */
public final class LifecycleReconciler<T> implements Reconciler {
  private static final Duration RETRY_NOW = Duration.ofMillis(10);
  private static final Duration RETRY_BROKEN = Duration.ofSeconds(2);

  private final Store store;
  private final ResourceAccess<T> access;
  private final ResourceBackend<T> backend;
  private final Clock clock;
  private final LifecycleEvents<T> events;

  public LifecycleReconciler(
      Store store, ResourceAccess<T> access, ResourceBackend<T> backend, Clock clock) {
    this(store, access, backend, clock, EventSink.NONE);
  }

  /** With {@code events}: every status change it writes is also reported as an event. */
  public LifecycleReconciler(
      Store store,
      ResourceAccess<T> access,
      ResourceBackend<T> backend,
      Clock clock,
      EventSink events) {
    this.store = store;
    this.access = access;
    this.backend = backend;
    this.clock = clock;
    this.events = new LifecycleEvents<>(events, access, clock);
  }

  @Override
  public Result reconcile(ResourceKey key) {
    Optional<T> found = store.inTransaction(tx -> access.find(tx, key));
    if (found.isEmpty()) {
      return DONE;
    }
    T resource = found.get();
    ResourceStatus status = access.status(resource);
    events.seen(key, resource, status);
    try {
      return switch (status) {
        case CREATING, UPDATING, RESUMING -> converge(key, resource, status);
        // ACTIVE resources are converged on every pass too: that is how a crashed daemon or a
        // lost instance is noticed and repaired (level-triggered, not edge-triggered).
        case ACTIVE -> converge(key, resource, status);
        case DELETING -> remove(key, resource);
        default -> DONE;
      };
    } catch (StaleVersionException e) {
      // Someone changed the resource while we worked: look again with what is stored now.
      return Reconciler.requeueAfter(RETRY_NOW);
    }
  }

  private Result converge(ResourceKey key, T resource, ResourceStatus status) {
    Outcome outcome = guarded(() -> backend.converge(resource));
    return switch (outcome) {
      case Outcome.Ready ready -> {
        T next =
            access.observed(
                resource, ResourceStatus.ACTIVE, ready.notes(), ready.endpoints(), now());
        Result written =
            access.sameObservedState(resource, next) ? DONE : write(key, resource, next);
        yield ready.recheck() == null ? written : Reconciler.requeueAfter(ready.recheck());
      }
      case Outcome.InProgress p -> Reconciler.requeueAfter(p.recheck());
      // A running resource that breaks stays ACTIVE with the reason in errorInfo and is retried
      // (its jobs may still run); only a create or update that cannot be done ends in *_FAILED.
      case Outcome.Failed f when status == ResourceStatus.ACTIVE -> {
        T next = access.observed(resource, ResourceStatus.ACTIVE, f.errors(), null, now());
        if (!access.sameObservedState(resource, next)) {
          write(key, resource, next);
        }
        yield Reconciler.requeueAfter(RETRY_BROKEN);
      }
      case Outcome.Failed f ->
          write(
              key,
              resource,
              access.observed(
                  resource,
                  status == ResourceStatus.CREATING
                      ? ResourceStatus.CREATE_FAILED
                      : ResourceStatus.UPDATE_FAILED,
                  f.errors(),
                  null,
                  now()));
    };
  }

  private Result remove(ResourceKey key, T resource) {
    Outcome outcome = guarded(() -> backend.remove(resource));
    return switch (outcome) {
      case Outcome.Ready r -> {
        store.inTransaction(
            tx -> {
              access.delete(tx, resource);
              return null;
            });
        events.deleted(key, resource);
        yield DONE;
      }
      case Outcome.InProgress p -> Reconciler.requeueAfter(p.recheck());
      case Outcome.Failed f ->
          write(
              key,
              resource,
              access.observed(resource, ResourceStatus.DELETE_FAILED, f.errors(), null, now()));
    };
  }

  /**
   * An unexpected failure of a backend must be as visible as an expected one: it becomes a Failed
   * outcome (errorInfo) instead of only a log line.
   */
  private static Outcome guarded(java.util.function.Supplier<Outcome> call) {
    try {
      return call.get();
    } catch (StaleVersionException e) {
      throw e;
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(LifecycleReconciler.class).warn("backend failed", e);
      return new Outcome.Failed(
          List.of(
              new org.openpcs.domain.ErrorInfo("InternalError", String.valueOf(e.getMessage()))));
    }
  }

  /** Writes {@code updated} over {@code current}; the event follows only a committed write. */
  private Result write(ResourceKey key, T current, T updated) {
    store.inTransaction(
        tx -> {
          access.update(tx, updated);
          return null;
        });
    events.written(key, current, updated);
    return DONE;
  }

  /** Microsecond timestamps, as the API writes them, so every store and SDK round-trips them. */
  private java.time.Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  @Override
  public List<ResourceKey> allKeys() {
    return store.inTransaction(access::keys);
  }
}
