package org.openpcs.server.logs;

import java.io.PrintStream;
import java.util.List;

/**
 * Every record on standard output, one JSON line each with its stream and type, for container
 * platforms that collect stdout. Opt-in: the server's own diagnostics use stdout too.
 */
final class StdoutDestination implements LogDestination {
  private final PrintStream out;

  StdoutDestination(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "stdout";
  }

  @Override
  public void write(List<LogRecord> batch) {
    StringBuilder b = new StringBuilder();
    batch.forEach(r -> b.append(r.tagged()).append('\n'));
    out.print(b);
    out.flush();
  }
}
