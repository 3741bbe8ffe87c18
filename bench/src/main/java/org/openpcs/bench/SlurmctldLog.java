package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds events in slurmctld's log, whose lines start with a local time in milliseconds ({@code
 * [2026-11-28T09:15:13.946] sched: Allocate JobId=3 ...}): the only place that records when
 * slurmctld allocated a job or heard from a node, at better than 1 s resolution.
 */
final class SlurmctldLog {
  private SlurmctldLog() {}

  /** Epoch seconds of the first line at or after {@code since} that contains {@code text}. */
  static Double first(Path log, String text, double since) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log);
    } catch (IOException e) {
      return null;
    }
    return first(lines, text, since);
  }

  static Double first(List<String> lines, String text, double since) {
    for (String line : lines) {
      if (!line.contains(text) || line.length() < 25 || line.charAt(0) != '[') {
        continue;
      }
      Double t = time(line);
      if (t != null && t >= since - 0.001) {
        return t;
      }
    }
    return null;
  }

  private static final Pattern STAMP = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+)\\]");

  static Double time(String line) {
    var m = STAMP.matcher(line);
    if (!m.find()) {
      return null;
    }
    var t = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant();
    return t.getEpochSecond() + t.getNano() / 1e9;
  }
}
