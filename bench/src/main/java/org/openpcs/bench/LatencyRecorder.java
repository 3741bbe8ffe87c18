package org.openpcs.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one operation, in nanoseconds, with three significant digits (HdrHistogram), plus
 * the failures by error type. Safe to record into from many threads at once.
 */
final class LatencyRecorder {
  private final String operation;
  private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
  private final Map<String, String> sampleMessages = new ConcurrentHashMap<>();
  private final AtomicLong lastCompletion = new AtomicLong(Long.MIN_VALUE);

  LatencyRecorder(String operation) {
    this.operation = operation;
  }

  String operation() {
    return operation;
  }

  /** A successful request that took {@code nanos}, finished at {@code completedAt} (nanoTime). */
  void success(long nanos, long completedAt) {
    histogram.recordValue(Math.max(0, nanos));
    lastCompletion.accumulateAndGet(completedAt, Math::max);
  }

  /** A failed request; its latency is not part of the histogram. */
  void failure(String type, String message, long completedAt) {
    errors.increment();
    errorsByType.computeIfAbsent(type, t -> new LongAdder()).increment();
    sampleMessages.putIfAbsent(type, message == null ? "" : message);
    lastCompletion.accumulateAndGet(completedAt, Math::max);
  }

  long requests() {
    return histogram.getTotalCount() + errors.sum();
  }

  long errors() {
    return errors.sum();
  }

  /** nanoTime of the last completion, or {@link Long#MIN_VALUE} if nothing completed. */
  long lastCompletion() {
    return lastCompletion.get();
  }

  Histogram snapshot() {
    return histogram.copy();
  }

  /** Error type → count, and one sample message per type, sorted by type. */
  Map<String, ErrorSummary> errorSummary() {
    Map<String, ErrorSummary> out = new TreeMap<>();
    errorsByType.forEach(
        (type, n) -> out.put(type, new ErrorSummary(n.sum(), sampleMessages.get(type))));
    return out;
  }

  record ErrorSummary(long count, String sampleMessage) {}

  /** Merges several recorders into one (e.g. CreateQueue and DeleteQueue as one workload). */
  static LatencyRecorder combine(String operation, LatencyRecorder... parts) {
    LatencyRecorder all = new LatencyRecorder(operation);
    for (LatencyRecorder p : parts) {
      all.histogram.add(p.histogram);
      all.errors.add(p.errors.sum());
      p.errorsByType.forEach(
          (t, n) -> all.errorsByType.computeIfAbsent(t, k -> new LongAdder()).add(n.sum()));
      p.sampleMessages.forEach(all.sampleMessages::putIfAbsent);
      all.lastCompletion.accumulateAndGet(p.lastCompletion(), Math::max);
    }
    return all;
  }
}
