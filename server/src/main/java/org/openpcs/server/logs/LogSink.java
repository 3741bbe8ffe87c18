package org.openpcs.server.logs;

/** Where producers (API, reconcilers, tailers) hand records. Never blocks, never throws. */
@FunctionalInterface
public interface LogSink {
  void publish(LogRecord record);

  LogSink NONE = r -> {};
}
