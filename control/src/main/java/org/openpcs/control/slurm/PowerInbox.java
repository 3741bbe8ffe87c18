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
        if (!name.startsWith(".")) {
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
      String action =
          name.startsWith(PowerPrograms.RESUME_FAIL + "-")
              ? PowerPrograms.RESUME_FAIL
              : name.substring(0, name.indexOf('-'));
      try {
        String hosts = Files.readString(f).strip();
        requests.add(new Request(f, action, hosts.isEmpty() ? List.of() : Hostlist.expand(hosts)));
      } catch (IOException | RuntimeException e) {
        requests.add(new Request(f, action, List.of()));
      }
    }
    return requests;
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
