package org.openpcs.control;

import org.openpcs.domain.Event;

/**
 * Where controllers report events. Implementations must not block the caller (a slow store or
 * destination never slows a reconcile pass) and must not throw.
 */
@FunctionalInterface
public interface EventSink {
  void emit(Event event);

  /** Records nothing (tests, API-only servers). */
  EventSink NONE = event -> {};
}
