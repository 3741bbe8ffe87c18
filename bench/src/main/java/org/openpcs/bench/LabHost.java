package org.openpcs.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.openpcs.slurm.ClusterPaths;

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

  /** Chosen once: every lab of this process works in the same place. */
  private static final class Root {
    static final WorkRoot ROOT = WorkRoot.ofHost();
  }

  /** Where this process's labs put their directories (see {@link WorkRoot}). */
  static WorkRoot workRoot() {
    return Root.ROOT;
  }

  /**
   * When the work root is a tmpfs and OpenPCS's runtime directory (sockets, slurmd spools) would be
   * on another file system, as {@code /run} is on some VMs, moves the runtime directory under the
   * work root ({@link ClusterPaths#RUNTIME_DIR_PROPERTY}); one chosen by the user is kept.
   */
  static synchronized void useWorkRootForRuntime() {
    WorkRoot root = workRoot();
    if (!root.fileSystem().equals("tmpfs")
        || System.getProperty(ClusterPaths.RUNTIME_DIR_PROPERTY) != null
        || System.getenv("OPENPCS_RUNTIME_DIR") != null) {
      return;
    }
    Path current = ClusterPaths.runtimeDir();
    Path existing = current;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && WorkRoot.writableFileSystem(existing).orElse("").equals("tmpfs")) {
      return;
    }
    Path moved = root.dir().resolve("openpcs-run");
    try {
      Files.createDirectories(moved);
      // munged refuses a socket below a directory that others cannot traverse
      Files.setPosixFilePermissions(moved, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the runtime directory " + moved, e);
    }
    System.setProperty(ClusterPaths.RUNTIME_DIR_PROPERTY, moved.toString());
  }

  /**
   * A new directory {@code <work root>/<prefix><6 chars>}. Short on purpose: slurmstepd puts a unix
   * socket at {@code <data dir>/clusters/<id>/spool/<node>/<node>_<job>.<step>}, and a socket path
   * may not exceed 108 bytes, or every batch launch fails ("launch failed requeued held").
   */
  static Path shortTempDir(String prefix) throws IOException {
    java.security.SecureRandom r = new java.security.SecureRandom();
    for (int i = 0; i < 100; i++) {
      Path p = workRoot().dir().resolve(prefix + String.format("%06x", r.nextInt(0x1000000)));
      try {
        return Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // try another name
      }
    }
    throw new IOException("no free temporary directory name");
  }

  /**
   * Writes a dump of every thread of this JVM, virtual ones included (the server's reconcile passes
   * and agents are virtual threads), into the work root, for a lab that timed out: by the time
   * anyone looks, the lab and its server are gone.
   */
  static Optional<Path> dumpThreads() {
    Path file =
        workRoot().dir().resolve("openpcs-bench-threads-" + System.currentTimeMillis() + ".txt");
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      return Optional.of(file);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
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
