package org.openpcs.server.logs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fans every record out to each destination's own buffer. Publishing costs a few non-blocking queue
 * offers whatever the destinations do; a full buffer drops the record for that destination only,
 * and {@link #dropped()} says how many each destination lost (the metrics publish it).
 */
public final class LogDelivery implements LogSink, AutoCloseable {
  /** The whole shutdown stays within about a second, however many destinations hang. */
  static final Duration CLOSE_BUDGET = Duration.ofMillis(800);

  private final List<BufferedDestination> destinations;
  private final Path fileRoot;

  LogDelivery(List<LogDestination> destinations, int bufferRecords, Path fileRoot) {
    List<BufferedDestination> buffered = new ArrayList<>();
    destinations.forEach(d -> buffered.add(new BufferedDestination(d, bufferRecords)));
    this.destinations = List.copyOf(buffered);
    this.fileRoot = fileRoot;
  }

  /** Files under {@code logsDir} always; stdout and HTTP as the options say. */
  public static LogDelivery open(Path logsDir, LogOptions options) {
    List<LogDestination> ds = new ArrayList<>();
    ds.add(new RotatingFileDestination(logsDir, options.maxFileBytes(), options.keptFiles()));
    if (options.stdout()) {
      ds.add(new StdoutDestination(System.out));
    }
    if (options.httpUrl() != null) {
      ds.add(new HttpDestination(options.httpUrl()));
    }
    return new LogDelivery(ds, options.bufferRecords(), logsDir);
  }

  /** Where the file destination writes: {@code <root>/<stream>/<type>.log} (+ generations). */
  public Path fileRoot() {
    return fileRoot;
  }

  @Override
  public void publish(LogRecord record) {
    for (BufferedDestination d : destinations) {
      d.offer(record);
    }
  }

  /** Records dropped so far, by destination name (buffer full, destination failed, shutdown). */
  public Map<String, Long> dropped() {
    Map<String, Long> out = new LinkedHashMap<>();
    destinations.forEach(d -> out.put(d.name(), d.dropped()));
    return out;
  }

  @Override
  public void close() {
    long deadline = System.nanoTime() + CLOSE_BUDGET.toNanos();
    // Closing starts on every destination first, so the waits overlap instead of adding up.
    List<Thread> closers = new ArrayList<>();
    for (BufferedDestination d : destinations) {
      closers.add(Thread.ofPlatform().daemon().start(() -> d.close(CLOSE_BUDGET)));
    }
    for (Thread t : closers) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())).plusMillis(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
