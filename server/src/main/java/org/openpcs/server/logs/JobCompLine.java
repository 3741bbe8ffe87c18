package org.openpcs.server.logs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One record of Slurm's {@code jobcomp/filetxt}: {@code JobId=15 UserId=root(0) ... ExitCode=0:0}
 * (slurm-lab §8). Values are not quoted, and a job name may contain blanks, so a value runs until
 * the next {@code " Key="} rather than the next blank.
 */
public record JobCompLine(Map<String, String> fields) {
  private static final Pattern KEY = Pattern.compile("(?:^| )([A-Z][A-Za-z]*)=");

  public static Optional<JobCompLine> parse(String line) {
    Matcher m = KEY.matcher(line);
    Map<String, String> fields = new LinkedHashMap<>();
    String key = null;
    int valueStart = 0;
    while (m.find()) {
      if (key != null) {
        fields.put(key, line.substring(valueStart, m.start()));
      } else if (m.start() != 0) {
        return Optional.empty(); // text before the first key: not a filetxt record
      }
      key = m.group(1);
      valueStart = m.end();
    }
    if (key == null) {
      return Optional.empty();
    }
    fields.put(key, line.substring(valueStart).stripTrailing());
    return fields.containsKey("JobId") ? Optional.of(new JobCompLine(fields)) : Optional.empty();
  }

  /** A time field ({@code StartTime}, …) in the controller's local time; empty if unknown. */
  public Optional<Instant> time(String field, ZoneId zone) {
    String v = fields.get(field);
    if (v == null || v.isEmpty() || v.equals("Unknown") || v.equals("None")) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(v).atZone(zone).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The node list expression, empty when the job never ran on a node. */
  public String nodeList() {
    String v = fields.getOrDefault("NodeList", "");
    return v.isEmpty() || v.startsWith("(") || v.equals("None") ? "" : v;
  }
}
