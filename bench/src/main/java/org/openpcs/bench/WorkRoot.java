package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Where the benches put their clusters, OpenPCS's and the floor's alike: a tmpfs when the host has
 * one, because the benches compare control planes, not disks.
 *
 * <p>Why it matters: on a VM whose root file system is an ext4 without a journal, the kernel skips
 * every inode deleted in the last 60 s when it allocates a new one ({@code recently_deleted}), so
 * creating a file soon after many deletions walks all of them. A burst after its warm-up (which
 * deleted a thousand nodes' files seconds before) spent about a fifth of its CPU there ({@code perf
 * -a}, 256 nodes), while the floor, which has no warm-up, did not. A normal host keeps {@code /run}
 * on tmpfs, where OpenPCS puts its sockets and slurmd spools; such a VM does not, so the benches
 * move that runtime directory to the work root as well ({@link LabHost#useWorkRootForRuntime}).
 *
 * @param dir the directory the labs make their own directories in
 * @param fileSystem its file system type ({@code tmpfs}, {@code ext4}, …)
 */
record WorkRoot(Path dir, String fileSystem) {
  /** Overrides the choice. */
  static final String ENV = "OPENPCS_BENCH_DIR";

  /** The candidates, in order; {@code /tmp} is also the fallback. */
  static final List<Path> CANDIDATES = List.of(Path.of("/dev/shm"), Path.of("/tmp"));

  /**
   * The least free space a tmpfs must have to be chosen: a container's {@code /dev/shm} is often 64
   * MiB, and a 1,000-node burst writes logs and spools of a few hundred MiB.
   */
  static final long MIN_FREE_BYTES = 2L << 30;

  /**
   * Picks the work root: {@code override} if given, else the first candidate that is a writable
   * tmpfs directory with {@link #MIN_FREE_BYTES} free, else {@code /tmp}.
   *
   * @param fileSystemOf the file system type of a writable directory, empty if the path is not one
   * @param freeBytes the space a directory has free
   */
  static WorkRoot choose(
      String override,
      Function<Path, Optional<String>> fileSystemOf,
      ToLongFunction<Path> freeBytes) {
    if (override != null && !override.isBlank()) {
      Path dir = Path.of(override);
      return new WorkRoot(dir, fileSystemOf.apply(dir).orElse("unknown"));
    }
    for (Path c : CANDIDATES) {
      Optional<String> type = fileSystemOf.apply(c);
      if (type.isPresent()
          && type.get().equals("tmpfs")
          && freeBytes.applyAsLong(c) >= MIN_FREE_BYTES) {
        return new WorkRoot(c, "tmpfs");
      }
    }
    Path tmp = Path.of("/tmp");
    return new WorkRoot(tmp, fileSystemOf.apply(tmp).orElse("unknown"));
  }

  /** This host's choice. */
  static WorkRoot ofHost() {
    return choose(System.getenv(ENV), WorkRoot::writableFileSystem, WorkRoot::freeBytes);
  }

  private static long freeBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The file system type of {@code dir} if it is a writable directory. */
  static Optional<String> writableFileSystem(Path dir) {
    try {
      if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
        return Optional.empty();
      }
      return Optional.of(Files.getFileStore(dir).type());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  String describe() {
    return dir + " (" + fileSystem + ")";
  }
}
