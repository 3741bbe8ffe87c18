package org.openpcs.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm hostlist expressions ({@code compute-[1-3,5]}). Compressing keeps partition and
 * SuspendExcNodes lines short and readable with thousands of nodes; expanding reads what slurmctld
 * hands the power-saving programs.
 */
public final class Hostlist {
  /** A name ending in a number without leading zeros; the prefix keeps everything before it. */
  private static final Pattern NUMBERED = Pattern.compile("(.*\\D)?(0|[1-9]\\d{0,8})");

  private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");

  private Hostlist() {}

  /**
   * Compresses names into a deterministic expression: groups sorted by prefix, numbers ascending,
   * duplicates removed. Zero-padded numbers are listed as they are.
   */
  public static String compress(Collection<String> names) {
    Map<String, TreeSet<Integer>> numbered = new TreeMap<>();
    TreeSet<String> literal = new TreeSet<>();
    for (String name : names) {
      Matcher m = NUMBERED.matcher(name);
      if (m.matches()) {
        String prefix = m.group(1) == null ? "" : m.group(1);
        numbered.computeIfAbsent(prefix, k -> new TreeSet<>()).add(Integer.parseInt(m.group(2)));
      } else {
        literal.add(name);
      }
    }
    List<String> parts = new ArrayList<>(literal);
    numbered.forEach((prefix, numbers) -> parts.add(group(prefix, numbers)));
    return String.join(",", parts);
  }

  private static String group(String prefix, TreeSet<Integer> numbers) {
    if (numbers.size() == 1) {
      return prefix + numbers.first();
    }
    List<String> ranges = new ArrayList<>();
    Integer start = null;
    Integer previous = null;
    for (int n : numbers) {
      if (start == null) {
        start = n;
      } else if (n != previous + 1) {
        ranges.add(start.equals(previous) ? "" + start : start + "-" + previous);
        start = n;
      }
      previous = n;
    }
    ranges.add(start.equals(previous) ? "" + start : start + "-" + previous);
    return prefix + "[" + String.join(",", ranges) + "]";
  }

  /**
   * Expands an expression with at most one bracket group per item ({@code a[1-2,5],b3}), which is
   * what Slurm produces for the names OpenPCS generates. Zero padding in a range is kept.
   */
  public static List<String> expand(String expression) {
    List<String> out = new ArrayList<>();
    for (String item : splitTopLevel(expression)) {
      int open = item.indexOf('[');
      if (open < 0) {
        out.add(item);
        continue;
      }
      int close = item.indexOf(']', open);
      if (close < 0 || item.indexOf('[', open + 1) >= 0) {
        throw new IllegalArgumentException("unsupported hostlist item: " + item);
      }
      String prefix = item.substring(0, open);
      String suffix = item.substring(close + 1);
      for (String range : item.substring(open + 1, close).split(",")) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
          throw new IllegalArgumentException("invalid hostlist range: " + range);
        }
        int width = m.group(1).startsWith("0") ? m.group(1).length() : 0;
        long from = Long.parseLong(m.group(1));
        long to = m.group(2) == null ? from : Long.parseLong(m.group(2));
        if (to < from || to - from > 100_000) {
          throw new IllegalArgumentException("invalid hostlist range: " + range);
        }
        for (long n = from; n <= to; n++) {
          String number = width > 0 ? String.format("%0" + width + "d", n) : Long.toString(n);
          out.add(prefix + number + suffix);
        }
      }
    }
    return out;
  }

  private static List<String> splitTopLevel(String expression) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char ch : expression.trim().toCharArray()) {
      if (ch == '[') {
        depth++;
      } else if (ch == ']') {
        depth--;
      }
      if (ch == ',' && depth == 0) {
        if (!current.isEmpty()) {
          items.add(current.toString());
        }
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    if (!current.isEmpty()) {
      items.add(current.toString());
    }
    return items;
  }
}
