package org.openpcs.control;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.StoreTx;

/**
 * How {@link LifecycleReconciler} reads and writes one resource kind; one small adapter per kind.
 */
public interface ResourceAccess<T> {
  Optional<T> find(StoreTx tx, ResourceKey key);

  ResourceStatus status(T resource);

  /** The resource's name, for events people read. */
  String name(T resource);

  /** The errorInfo shown now (empty when none). */
  List<ErrorInfo> errors(T resource);

  long generation(T resource);

  long observedGeneration(T resource);

  /** The resource with a new status and {@code observedGeneration = generation}. */
  T observed(
      T resource,
      ResourceStatus status,
      List<ErrorInfo> errors,
      List<Endpoint> endpoints,
      Instant now);

  /** True when {@code next} shows nothing new (status, errors, endpoints, observed generation). */
  boolean sameObservedState(T current, T next);

  /** Compare-and-set write of a status change. */
  void update(StoreTx tx, T resource);

  void delete(StoreTx tx, T resource);

  List<ResourceKey> keys(StoreTx tx);
}
