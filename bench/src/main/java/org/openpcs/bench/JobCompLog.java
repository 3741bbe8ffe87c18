package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openpcs.server.logs.JobCompLine;

/**
 * Slurm's job-completion log ({@code jobcomp/filetxt}, one line per job end and per requeue): how
 * each job finally ended. A replayed job that did not end COMPLETED is a failure of the run, not a
 * job that ran for 0 s.
 */
final class JobCompLog {
  private JobCompLog() {}

  /** The last state logged for each job (a requeued job is logged again when it really ends). */
  static Map<Long, String> finalStates(List<String> lines) {
    Map<Long, String> out = new TreeMap<>();
    for (String line : lines) {
      JobCompLine.parse(line)
          .filter(l -> l.fields().containsKey("JobId") && l.fields().containsKey("JobState"))
          .ifPresent(
              l -> out.put(Long.parseLong(l.fields().get("JobId")), l.fields().get("JobState")));
    }
    return out;
  }

  /** The jobs of {@code ids} whose last logged state is not COMPLETED, with that state. */
  static Map<Long, String> notCompleted(Path log, Iterable<Long> ids) {
    Map<Long, String> states;
    try {
      states = finalStates(Files.readAllLines(log));
    } catch (IOException e) {
      states = Map.of();
    }
    Map<Long, String> out = new TreeMap<>();
    for (long id : ids) {
      String s = states.getOrDefault(id, "not logged");
      if (!s.equals("COMPLETED")) {
        out.put(id, s);
      }
    }
    return out;
  }
}
