package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm's job-completion log ({@code jobcomp/filetxt}, one line per job end and per requeue): how
 * each job finally ended. A replayed job that did not end COMPLETED is a failure of the run, not a
 * job that ran for 0 s.
 */
final class JobCompLog {
  private static final Pattern JOB = Pattern.compile("\\bJobId=(\\d+)\\b");
  private static final Pattern STATE = Pattern.compile("\\bJobState=(\\S+)");

  private JobCompLog() {}

  /** The last state logged for each job (a requeued job is logged again when it really ends). */
  static Map<Long, String> finalStates(List<String> lines) {
    Map<Long, String> out = new TreeMap<>();
    for (String line : lines) {
      Matcher job = JOB.matcher(line);
      Matcher state = STATE.matcher(line);
      if (job.find() && state.find()) {
        out.put(Long.parseLong(job.group(1)), state.group(1));
      }
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
