package org.openpcs.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (no Java library on our classpath
 * parses it; the Prometheus client only writes it). It rejects what Prometheus would reject and a
 * little more: bad names, bad label syntax or escapes, unparsable values, a TYPE after its samples
 * or twice, samples of an undeclared family, duplicate series, and histograms whose buckets are not
 * cumulative or whose +Inf bucket differs from _count.
 */
public final class PrometheusText {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern TYPE_LINE =
      Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP_LINE = Pattern.compile("# HELP (\\S+)(?: (.*))?");

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {}

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    Set<String> series = new java.util.HashSet<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + lineNo + ": " + line;
      if (line.startsWith("#")) {
        Matcher t = TYPE_LINE.matcher(line);
        Matcher h = HELP_LINE.matcher(line);
        if (t.matches()) {
          String name = name(t.group(1), where);
          if (families.containsKey(name)) {
            throw new IllegalArgumentException("TYPE twice or after samples; " + where);
          }
          families.put(name, new Family(name, t.group(2), help.get(name), new ArrayList<>()));
        } else if (h.matches()) {
          help.put(name(h.group(1), where), h.group(2));
        }
        continue;
      }
      Sample s = sample(line, where);
      Family f = familyOf(families, s.name());
      if (f == null) {
        throw new IllegalArgumentException("sample of an undeclared family; " + where);
      }
      if (!series.add(s.name() + s.labels())) {
        throw new IllegalArgumentException("duplicate series; " + where);
      }
      f.samples().add(s);
    }
    families.values().stream()
        .filter(f -> f.type().equals("histogram"))
        .forEach(PrometheusText::checkHistogram);
    return families;
  }

  private static Family familyOf(Map<String, Family> families, String sample) {
    Family f = families.get(sample);
    if (f != null) {
      return f;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_created")) {
      if (sample.endsWith(suffix)) {
        f = families.get(sample.substring(0, sample.length() - suffix.length()));
        if (f != null && (f.type().equals("histogram") || f.type().equals("summary"))) {
          return f;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(line.substring(0, i), where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException("label without '='; " + where);
        }
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
          throw new IllegalArgumentException("bad label name '" + label + "'; " + where);
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value must be quoted; " + where);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; ; j++) {
          if (j >= line.length()) {
            throw new IllegalArgumentException("unterminated label value; " + where);
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = line.charAt(++j);
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException("bad escape; " + where);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException("label twice; " + where);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected ',' or '}'; " + where);
        }
      }
      i++;
    }
    String[] rest = line.substring(i).strip().split(" ");
    if (line.charAt(i) != ' ' || rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException("expected ' value [timestamp]'; " + where);
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    return new Sample(name, labels, value(rest[0], where));
  }

  private static double value(String v, String where) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad value '" + v + "'; " + where);
        }
      }
    };
  }

  private static String name(String name, String where) {
    if (!METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'; " + where);
    }
    return name;
  }

  /** Buckets of each series are cumulative and end in +Inf equal to _count. */
  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().equals(f.name() + "_bucket")) {
        Map<String, String> key = new LinkedHashMap<>(s.labels());
        if (key.remove("le") == null) {
          throw new IllegalArgumentException(f.name() + ": bucket without le");
        }
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      } else if (s.name().equals(f.name() + "_count")) {
        counts.put(s.labels(), s.value());
      }
    }
    buckets.forEach(
        (key, list) -> {
          double previousLe = Double.NEGATIVE_INFINITY;
          double previous = 0;
          for (Sample b : list) {
            double le = value(b.labels().get("le"), f.name());
            if (le <= previousLe || b.value() < previous) {
              throw new IllegalArgumentException(f.name() + key + ": buckets not cumulative");
            }
            previousLe = le;
            previous = b.value();
          }
          if (previousLe != Double.POSITIVE_INFINITY
              || !Double.valueOf(previous).equals(counts.get(key))) {
            throw new IllegalArgumentException(f.name() + key + ": +Inf bucket is not _count");
          }
        });
  }
}
