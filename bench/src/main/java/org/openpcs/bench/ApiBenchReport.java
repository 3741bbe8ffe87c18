package org.openpcs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The results of {@code openpcs bench api}: a table for people and the same data as JSON. */
record ApiBenchReport(
    String benchmark,
    String startedAt,
    Machine machine,
    Map<String, Object> settings,
    List<StoreRun> runs,
    List<String> failures) {

  /** Everything measured against one store. {@code setup} holds times to ACTIVE in ms. */
  record StoreRun(
      String store,
      String target,
      Map<String, Long> setup,
      List<Row> rows,
      Map<String, Map<String, LatencyRecorder.ErrorSummary>> errors,
      long unfinishedArrivals,
      List<String> notes,
      Map<String, CpuMeter.Usage> cpu,
      String loadAverageAfter) {}

  /**
   * One operation of one workload in the measured window. Latencies in milliseconds ({@code null}
   * without a successful sample). {@code throughput} counts successful responses per second of the
   * measured window. {@code target}: {@code met}/{@code missed} for p99 &lt; 20 ms without errors
   * while keeping up with the offered rate, or {@code n/a} when the workload ran below 200
   * requests/s or the row is not on the fixed timeline (polls).
   */
  record Row(
      String store,
      String workload,
      String operation,
      double workloadRate,
      Double offeredRate,
      long requests,
      long errors,
      double throughput,
      Double p50Ms,
      Double p90Ms,
      Double p99Ms,
      Double maxMs,
      Boolean p99Below20ms,
      String target) {

    static Row of(
        String store,
        String workload,
        String operation,
        double workloadRate,
        double offered,
        long requests,
        long errors,
        double throughput,
        Histogram h) {
      boolean any = h.getTotalCount() > 0;
      Double p50 = any ? ms(h.getValueAtPercentile(50)) : null;
      Double p90 = any ? ms(h.getValueAtPercentile(90)) : null;
      Double p99 = any ? ms(h.getValueAtPercentile(99)) : null;
      Double max = any ? ms(h.getMaxValue()) : null;
      Boolean below = p99 == null ? null : p99 < ApiBench.TARGET_P99_MS;
      String target;
      if (Double.isNaN(offered) || workloadRate < ApiBench.TARGET_RATE) {
        target = "n/a";
      } else {
        boolean keptUp = throughput >= 0.95 * offered;
        target = errors == 0 && keptUp && Boolean.TRUE.equals(below) ? "met" : "missed";
      }
      return new Row(
          store,
          workload,
          operation,
          workloadRate,
          Double.isNaN(offered) ? null : offered,
          requests,
          errors,
          round(throughput),
          p50,
          p90,
          p99,
          max,
          below,
          target);
    }
  }

  private static Double ms(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The table: one line per store, workload and operation. */
  String table() {
    String[] head = {
      "store",
      "workload",
      "operation",
      "offered/s",
      "requests",
      "errors",
      "req/s",
      "p50 ms",
      "p90 ms",
      "p99 ms",
      "max ms",
      "p99<20ms@200/s"
    };
    List<String[]> lines = new ArrayList<>();
    lines.add(head);
    for (StoreRun run : runs) {
      for (Row r : run.rows()) {
        lines.add(
            new String[] {
              r.store(),
              r.workload(),
              r.operation(),
              r.offeredRate() == null ? "-" : number(r.offeredRate()),
              String.valueOf(r.requests()),
              String.valueOf(r.errors()),
              String.format(Locale.ROOT, "%.1f", r.throughput()),
              fmt(r.p50Ms()),
              fmt(r.p90Ms()),
              fmt(r.p99Ms()),
              fmt(r.maxMs()),
              r.target()
            });
      }
    }
    int[] width = new int[head.length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < lines.size(); n++) {
      String[] l = lines.get(n);
      for (int i = 0; i < l.length; i++) {
        boolean left = i < 3 || i == l.length - 1;
        String cell = left ? pad(l[i], width[i], true) : pad(l[i], width[i], false);
        out.append(i == 0 ? "" : "  ").append(cell);
      }
      out.append(System.lineSeparator());
      if (n == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        out.append("-".repeat(total + 2 * (width.length - 1))).append(System.lineSeparator());
      }
    }
    return out.toString();
  }

  /** The lines after the table: errors by type, unfinished arrivals, failures, setup times. */
  String notes() {
    StringBuilder out = new StringBuilder();
    for (StoreRun run : runs) {
      out.append(run.store()).append(": ").append(run.target());
      run.setup().forEach((k, v) -> out.append("; ").append(k).append('=').append(v));
      out.append("; load average after: ").append(run.loadAverageAfter());
      out.append(System.lineSeparator());
      run.errors()
          .forEach(
              (op, byType) ->
                  byType.forEach(
                      (type, e) ->
                          out.append("  errors ")
                              .append(op)
                              .append(": ")
                              .append(e.count())
                              .append(" x ")
                              .append(type)
                              .append(" (e.g. ")
                              .append(e.sampleMessage())
                              .append(')')
                              .append(System.lineSeparator())));
      run.notes().forEach(n -> out.append("  note: ").append(n).append(System.lineSeparator()));
      if (run.unfinishedArrivals() > 0) {
        out.append("  ")
            .append(run.unfinishedArrivals())
            .append(" arrivals never finished")
            .append(System.lineSeparator());
      }
    }
    failures.forEach(f -> out.append("FAILED: ").append(f).append(System.lineSeparator()));
    return out.toString();
  }

  void writeJson(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      json().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pad(String s, int width, boolean left) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return left ? s + fill : fill + s;
  }
}
