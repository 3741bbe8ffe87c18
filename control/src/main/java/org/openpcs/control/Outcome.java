package org.openpcs.control;

import java.time.Duration;
import java.util.List;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;

/** What a backend reports after trying to make the world match a resource. */
public sealed interface Outcome {
  /** The world matches; {@code endpoints} is what clients should use (clusters only). */
  record Ready(List<Endpoint> endpoints) implements Outcome {}

  /** Work is under way; look again after {@code recheck}. */
  record InProgress(Duration recheck) implements Outcome {}

  /** It cannot be done; the errors are shown to the user as {@code errorInfo}. */
  record Failed(List<ErrorInfo> errors) implements Outcome {}

  static Outcome ready() {
    return new Ready(List.of());
  }
}
