package org.openpcs.control;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;

/**
 * The events of a resource's lifecycle as {@link LifecycleReconciler} sees it: a change asked for
 * (CREATING, UPDATING, DELETING), its result (ACTIVE, *_FAILED with the errorInfo, DELETED), and a
 * running resource that degrades or recovers.
 *
 * <p>A request is announced once per (status, generation): the reconciler passes over a resource
 * many times while it converges. What was announced is remembered in memory only, within a bound,
 * so after a server restart a change still in progress is announced once more; that is cheaper and
 * simpler than storing it and says nothing false.
 */
final class LifecycleEvents<T> {
  private static final int MAX_REMEMBERED = 10_000;

  private final EventSink sink;
  private final ResourceAccess<T> access;
  private final Clock clock;

  /** Key → the last request announced ("CREATING@1"). */
  private final Map<ResourceKey, String> announced =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ResourceKey, String> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  LifecycleEvents(EventSink sink, ResourceAccess<T> access, Clock clock) {
    this.sink = sink;
    this.access = access;
    this.clock = clock;
  }

  /** A pass found the resource in {@code status}: announce a new request once. */
  void seen(ResourceKey key, T resource, ResourceStatus status) {
    String verb =
        switch (status) {
          case CREATING -> "created";
          case UPDATING -> "being updated";
          case DELETING -> "being deleted";
          default -> null;
        };
    if (verb == null) {
      return;
    }
    String request = status + "@" + access.generation(resource);
    synchronized (announced) {
      if (request.equals(announced.get(key))) {
        return;
      }
      announced.put(key, request);
    }
    emit(key, Event.Severity.INFO, status.name(), describe(key, resource) + " " + verb);
  }

  /** The reconciler wrote {@code next} over {@code current}. */
  void written(ResourceKey key, T current, T next) {
    ResourceStatus from = access.status(current);
    ResourceStatus to = access.status(next);
    List<ErrorInfo> errors = access.errors(next);
    String what = describe(key, next);
    switch (to) {
      case ACTIVE -> {
        if (from != ResourceStatus.ACTIVE) {
          emit(key, Event.Severity.INFO, "ACTIVE", what + " is ACTIVE" + notes(errors));
        } else if (!errors.isEmpty() && !errors.equals(access.errors(current))) {
          emit(key, Event.Severity.WARNING, "DEGRADED", what + " has problems: " + text(errors));
        } else if (errors.isEmpty() && !access.errors(current).isEmpty()) {
          emit(key, Event.Severity.INFO, "RECOVERED", what + " has no more problems");
        }
      }
      case CREATE_FAILED, UPDATE_FAILED, DELETE_FAILED ->
          emit(
              key,
              Event.Severity.ERROR,
              to.name(),
              what
                  + " "
                  + failed(to)
                  + ": "
                  + (errors.isEmpty() ? "no reason given" : text(errors)));
      default -> {}
    }
  }

  void deleted(ResourceKey key, T resource) {
    synchronized (announced) {
      announced.remove(key);
    }
    emit(key, Event.Severity.INFO, "DELETED", describe(key, resource) + " deleted");
  }

  private void emit(ResourceKey key, Event.Severity severity, String reason, String message) {
    sink.emit(
        new Event(
            clock.instant(), key.clusterId(), key.kind(), key.id(), severity, reason, message));
  }

  private String describe(ResourceKey key, T resource) {
    String kind =
        key.kind() == ResourceKind.CLUSTER
            ? "Cluster"
            : key.kind() == ResourceKind.COMPUTE_NODE_GROUP ? "Compute node group" : "Queue";
    return kind + " " + access.name(resource) + " (" + key.id() + ")";
  }

  private static String failed(ResourceStatus status) {
    return switch (status) {
      case CREATE_FAILED -> "could not be created";
      case UPDATE_FAILED -> "could not be updated";
      default -> "could not be deleted";
    };
  }

  private static String notes(List<ErrorInfo> errors) {
    return errors.isEmpty() ? "" : " with notes: " + text(errors);
  }

  private static String text(List<ErrorInfo> errors) {
    return errors.stream()
        .map(e -> e.code() + ": " + e.message())
        .collect(Collectors.joining("; "));
  }
}
