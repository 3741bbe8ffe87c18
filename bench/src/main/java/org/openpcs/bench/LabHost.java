package org.openpcs.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a bench lab takes from the host it runs on: blocks of free ports for its daemons, and short
 * temporary directories (unix socket paths have a length limit).
 */
final class LabHost {
  private LabHost() {}

  /** A block of free ports "first-last" (the server also skips busy ones). */
  static String freeBlock(int size) {
    for (int attempt = 0; attempt < 50; attempt++) {
      // Below Linux's ephemeral range (32768+): with hundreds of daemons talking, an outgoing
      // connection's local port would otherwise take a node's port ("Address already in use").
      int first = 20000 + (int) (Math.random() * (12000 - size));
      boolean free = true;
      // every port: a 1,000-node floor once got RabbitMQ's 25672, which sampling every 7th missed
      for (int p = first; p < first + size && free; p++) {
        free = isFree(p);
      }
      if (free) {
        return first + "-" + (first + size - 1);
      }
    }
    throw new IllegalStateException("no free port block of " + size);
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A new directory {@code /tmp/<prefix><6 chars>}. Short on purpose: slurmstepd puts a unix socket
   * at {@code <data dir>/clusters/<id>/spool/<node>/<node>_<job>.<step>}, and a socket path may not
   * exceed 108 bytes, or every batch launch fails ("launch failed requeued held").
   */
  static Path shortTempDir(String prefix) throws IOException {
    java.security.SecureRandom r = new java.security.SecureRandom();
    for (int i = 0; i < 100; i++) {
      Path p = Path.of("/tmp", prefix + String.format("%06x", r.nextInt(0x1000000)));
      try {
        return Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // try another name
      }
    }
    throw new IOException("no free temporary directory name");
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
