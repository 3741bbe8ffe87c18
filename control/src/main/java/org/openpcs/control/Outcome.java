package org.openpcs.control;

import java.time.Duration;
import java.util.List;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;

/** What a backend reports after trying to make the world match a resource. */
public sealed interface Outcome {
  /**
   * The world matches; {@code endpoints} is what clients should use (clusters only); {@code notes}
   * are shown as errorInfo although the resource works (e.g. "slurmctld crashed and was
   * restarted"); {@code recheck}, when not null, asks for another pass then because something
   * planned for later is due (a lost node's hold ends), sooner than the periodic resync.
   */
  record Ready(List<Endpoint> endpoints, List<ErrorInfo> notes, Duration recheck)
      implements Outcome {
    public Ready(List<Endpoint> endpoints, List<ErrorInfo> notes) {
      this(endpoints, notes, null);
    }

    public Ready(List<Endpoint> endpoints) {
      this(endpoints, List.of());
    }
  }

  /** Work is under way; look again after {@code recheck}. */
  record InProgress(Duration recheck) implements Outcome {}

  /** It cannot be done; the errors are shown to the user as {@code errorInfo}. */
  record Failed(List<ErrorInfo> errors) implements Outcome {}

  static Outcome ready() {
    return new Ready(List.of());
  }
}
