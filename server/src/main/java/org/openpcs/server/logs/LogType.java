package org.openpcs.server.logs;

import java.util.Locale;
import java.util.Optional;

/** The log types OpenPCS delivers per cluster, named as on the wire and on disk. */
public enum LogType {
  SCHEDULER,
  JOBCOMP,
  SCALING,
  AUDIT;

  /** The wire name ({@code scheduler}, …), also the file name stem. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String fileName() {
    return wireName() + ".log";
  }

  public static Optional<LogType> parse(String wire) {
    for (LogType t : values()) {
      if (t.wireName().equals(wire)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
