package org.openpcs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A job log in the Standard Workload Format (18 whitespace-separated fields per job, {@code ;}
 * comments with {@code Key: value} headers). Records without a run time or a processor count are
 * dropped, as most simulators do; processors are {@code max(allocated, requested)} (RLScheduler's
 * rule), so a job that lists only one of the two still counts.
 */
record SwfTrace(Integer maxProcs, Integer maxNodes, List<Job> jobs, int dropped) {

  /** One job: times in seconds since the start of the log. */
  record Job(long id, long submit, long loggedWait, long run, int procs, long requestedTime) {}

  static SwfTrace read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      InputStream body = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
      return parse(new BufferedReader(new InputStreamReader(body, StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SwfTrace parse(BufferedReader reader) throws IOException {
    Integer maxProcs = null;
    Integer maxNodes = null;
    List<Job> jobs = new ArrayList<>();
    int dropped = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      String s = line.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.startsWith(";")) {
        String h = s.substring(1).strip();
        if (h.startsWith("MaxProcs:")) {
          maxProcs = headerInt(h);
        } else if (h.startsWith("MaxNodes:")) {
          maxNodes = headerInt(h);
        }
        continue;
      }
      String[] f = s.split("\\s+");
      if (f.length < 9) {
        dropped++;
        continue;
      }
      long run = (long) Double.parseDouble(f[3]);
      int procs = (int) Math.max(Double.parseDouble(f[4]), Double.parseDouble(f[7]));
      if (run < 0 || procs <= 0) {
        dropped++;
        continue;
      }
      jobs.add(
          new Job(
              Long.parseLong(f[0]),
              (long) Double.parseDouble(f[1]),
              (long) Double.parseDouble(f[2]),
              run,
              procs,
              (long) Double.parseDouble(f[8])));
    }
    return new SwfTrace(maxProcs, maxNodes, List.copyOf(jobs), dropped);
  }

  private static Integer headerInt(String h) {
    try {
      return Integer.parseInt(h.substring(h.indexOf(':') + 1).strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
