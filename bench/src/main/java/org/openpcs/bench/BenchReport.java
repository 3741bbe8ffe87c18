package org.openpcs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The output of the Slurm benchmarks: one table of rows (ordered columns) for people and the same
 * data as JSON. The top-level JSON fields ({@code benchmark}, {@code startedAt}, {@code machine},
 * {@code settings}, {@code failures}) are the ones {@code bench api} writes, so one reader handles
 * every benchmark's file.
 */
final class BenchReport {
  final String benchmark;
  final String startedAt = Instant.now().toString();
  final Machine machine = Machine.current();
  final Map<String, Object> settings = new LinkedHashMap<>();
  final List<String> columns;
  final List<Map<String, Object>> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final List<String> failures = new ArrayList<>();

  /** Raw measurements (every repetition), written to JSON only. */
  final Map<String, Object> samples = new LinkedHashMap<>();

  String loadAverageAfter;

  BenchReport(String benchmark, List<String> columns) {
    this.benchmark = benchmark;
    this.columns = List.copyOf(columns);
  }

  /** Adds a row; values are given in column order ({@code null} prints as "-"). */
  Map<String, Object> row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          "row has " + values.length + " values for " + columns.size() + " columns");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      r.put(columns.get(i), values[i]);
    }
    rows.add(r);
    return r;
  }

  void print(PrintWriter out) {
    List<String[]> cells = new ArrayList<>();
    cells.add(columns.toArray(String[]::new));
    for (Map<String, Object> r : rows) {
      cells.add(columns.stream().map(c -> format(r.get(c))).toArray(String[]::new));
    }
    int[] width = new int[columns.size()];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    int total = 0;
    for (int i = 0; i < cells.size(); i++) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < width.length; c++) {
        String v = cells.get(i)[c];
        // Text left, numbers right: the eye compares numbers by their last digits.
        boolean numeric = i > 0 && !v.isEmpty() && v.matches("[-+0-9.,x%]+");
        String pad = " ".repeat(width[c] - v.length());
        b.append(numeric ? pad + v : v + pad).append(c + 1 < width.length ? "  " : "");
      }
      out.println(b.toString().stripTrailing());
      total = Math.max(total, b.length());
      if (i == 0) {
        out.println("-".repeat(total));
      }
    }
    out.println();
    out.println("machine: " + machine.describe());
    for (String n : notes) {
      out.println("note: " + n);
    }
    for (String f : failures) {
      out.println("FAILED: " + f);
    }
    out.flush();
  }

  void writeJson(Path file) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("benchmark", benchmark);
    o.put("startedAt", startedAt);
    o.put("machine", machine);
    o.put("settings", settings);
    o.put("rows", rows);
    o.put("notes", notes);
    o.put("samples", samples);
    o.put("failures", failures);
    o.put("loadAverageAfter", loadAverageAfter);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return d.isNaN() ? "-" : String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.2f", d);
    }
    return v.toString();
  }

  /** Seconds rounded to milliseconds, for JSON that stays readable. */
  static Double sec(Double s) {
    return s == null ? null : Math.round(s * 1000) / 1000.0;
  }
}
