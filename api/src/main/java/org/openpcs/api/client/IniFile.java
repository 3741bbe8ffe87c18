package org.openpcs.api.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The subset of INI the AWS shared files use. Edits are line-based so that everything we do not own
 * (other profiles, comments, nested {@code s3 =} blocks) survives byte for byte.
 */
final class IniFile {
  private IniFile() {}

  /** The inner text of a {@code [section]} line, or empty if the line is not a section header. */
  static Optional<String> sectionName(String line) {
    String t = line.strip();
    if (t.length() >= 2 && t.startsWith("[") && t.endsWith("]")) {
      return Optional.of(t.substring(1, t.length() - 1).strip());
    }
    return Optional.empty();
  }

  /**
   * The key/value pairs of the first section whose name matches; indented continuation lines
   * (nested settings) and comments are skipped.
   */
  static Optional<Map<String, String>> section(List<String> lines, Predicate<String> name) {
    Map<String, String> values = null;
    for (String line : lines) {
      Optional<String> header = sectionName(line);
      if (header.isPresent()) {
        if (values != null) {
          break;
        }
        if (name.test(header.get())) {
          values = new LinkedHashMap<>();
        }
        continue;
      }
      if (values == null || line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      String t = line.strip();
      if (t.startsWith("#") || t.startsWith(";")) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq > 0) {
        values.putIfAbsent(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
      }
    }
    return Optional.ofNullable(values);
  }

  /**
   * Replaces every section whose name matches with {@code replacement} (at the position of the
   * first), or appends it; all other lines are kept.
   */
  static List<String> replaceSection(
      List<String> lines, Predicate<String> name, List<String> replacement) {
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    boolean skipping = false;
    for (String line : lines) {
      Optional<String> header = sectionName(line);
      if (header.isPresent()) {
        skipping = name.test(header.get());
        if (skipping && !replaced) {
          out.addAll(replacement);
          out.add("");
          replaced = true;
        }
      }
      if (!skipping) {
        out.add(line);
      }
    }
    if (!replaced) {
      if (!out.isEmpty() && !out.get(out.size() - 1).isBlank()) {
        out.add("");
      }
      out.addAll(replacement);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
