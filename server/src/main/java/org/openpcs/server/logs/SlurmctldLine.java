package org.openpcs.server.logs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a Slurm daemon log: {@code [2026-11-28T09:00:00.123] error: message}. Slurm writes
 * local time without a zone by default (an offset when LogTimeFormat asks for RFC 5424), and marks
 * the level with a prefix; info and verbose lines have none.
 */
public record SlurmctldLine(Instant timestamp, String level, String message) {
  private static final Pattern LINE =
      Pattern.compile(
          "^\\[([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)] ?(.*)$");
  private static final Pattern LEVEL =
      Pattern.compile(
          "^(fatal|error|warning|debug[2-5]?|verbose|info|sched(?:/[a-z]+)?):\\s*(.*)$");

  /**
   * Parses a line; a line without a timestamp (a continuation, or a line from before logging was
   * set up) keeps the text whole and takes {@code previous} as its time.
   */
  public static SlurmctldLine parse(String line, ZoneId zone, Instant previous) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return new SlurmctldLine(previous, "INFO", line);
    }
    Instant ts = timestamp(m.group(1), zone);
    String rest = m.group(2);
    Matcher lv = LEVEL.matcher(rest);
    if (!lv.matches()) {
      return new SlurmctldLine(ts == null ? previous : ts, "INFO", rest);
    }
    return new SlurmctldLine(ts == null ? previous : ts, level(lv.group(1)), lv.group(2));
  }

  private static String level(String prefix) {
    if (prefix.startsWith("debug")) {
      return "DEBUG";
    }
    return switch (prefix) {
      case "fatal" -> "FATAL";
      case "error" -> "ERROR";
      case "warning" -> "WARNING";
      case "verbose" -> "VERBOSE";
      default -> "INFO"; // info, and sched: lines (scheduler decisions, logged at info)
    };
  }

  private static Instant timestamp(String text, ZoneId zone) {
    try {
      if (text.endsWith("Z") || text.matches(".*[+-][0-9]{2}:?[0-9]{2}$")) {
        return OffsetDateTime.parse(normaliseOffset(text)).toInstant();
      }
      return LocalDateTime.parse(text).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code +0100} → {@code +01:00}, which ISO parsing wants. */
  private static String normaliseOffset(String text) {
    return text.replaceFirst("([+-][0-9]{2})([0-9]{2})$", "$1:$2");
  }
}
