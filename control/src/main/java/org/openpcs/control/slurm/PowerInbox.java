package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;

/**
 * Reads the requests Slurm's power-saving programs dropped into a cluster's inbox, oldest first.
 */
public final class PowerInbox {
  /** One request: the action (resume, suspend, resume-fail) and the node names it names. */
  public record Request(Path file, String action, List<String> nodes) {
    /** When the program wrote the request (its file name says), or the epoch when it does not. */
    public java.time.Instant requestedAt() {
      long ns = stamp(file);
      return java.time.Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L);
    }

    /** Forgets the request once it has been acted on. */
    public void done() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a request seen twice is harmless: every action is idempotent
      }
    }
  }

  private PowerInbox() {}

  public static List<Request> pending(ClusterPaths paths) {
    Path inbox = PowerPrograms.inbox(paths);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(inbox)) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        // Only files our programs write: <action>-<ns>-<pid>; anything else is not a request.
        if (!name.startsWith(".") && actionOf(name) != null) {
          files.add(f);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    files.sort(
        (a, b) ->
            a.getFileName().toString().compareTo(b.getFileName().toString()) == 0
                ? 0
                : Long.compare(stamp(a), stamp(b)));
    List<Request> requests = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      String action = actionOf(name);
      try {
        String hosts = Files.readString(f).strip();
        requests.add(new Request(f, action, hosts.isEmpty() ? List.of() : Hostlist.expand(hosts)));
      } catch (IOException | RuntimeException e) {
        requests.add(new Request(f, action, List.of()));
      }
    }
    return requests;
  }

  /** The action a request file names, or null when it is not a request. */
  static String actionOf(String name) {
    for (String action :
        new String[] {PowerPrograms.RESUME_FAIL, PowerPrograms.RESUME, PowerPrograms.SUSPEND}) {
      if (name.startsWith(action + "-")
          && name.substring(action.length() + 1).matches("[0-9]+-[0-9]+")) {
        return action;
      }
    }
    return null;
  }

  /** The nanosecond time stamp in {@code <action>-<ns>-<pid>}. */
  private static long stamp(Path f) {
    String[] parts = f.getFileName().toString().split("-");
    try {
      return Long.parseLong(parts[parts.length - 2]);
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
