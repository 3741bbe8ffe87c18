package org.openpcs.slurm;

import java.nio.file.Path;

/**
 * Where one cluster's controller lives on disk. Every path is absolute because the Slurm daemons
 * change directory (slurm-lab §12).
 */
public record ClusterPaths(Path root) {
  public ClusterPaths {
    root = root.toAbsolutePath().normalize();
  }

  public Path etc() {
    return root.resolve("etc");
  }

  public Path slurmConf() {
    return etc().resolve("slurm.conf");
  }

  public Path mungeDir() {
    return root.resolve("munge");
  }

  public Path mungeKey() {
    return mungeDir().resolve("munge.key");
  }

  /**
   * The cluster's munge socket. munged refuses a socket whose directories are not all
   * world-traversable (a data dir under /root is not), and socket paths are limited to 108 bytes,
   * so sockets live in a short runtime directory named after the cluster directory.
   */
  public Path mungeSocket() {
    return socketDir().resolve(root.getFileName() + ".socket");
  }

  /** Where munge sockets live: {@code /run/openpcs/munge}, or $OPENPCS_RUNTIME_DIR/munge. */
  public static Path socketDir() {
    String override = System.getenv("OPENPCS_RUNTIME_DIR");
    return (override != null && !override.isBlank() ? Path.of(override) : Path.of("/run/openpcs"))
        .resolve("munge");
  }

  public Path state() {
    return root.resolve("state");
  }

  public Path spool() {
    return root.resolve("spool");
  }

  public Path log() {
    return root.resolve("log");
  }

  public Path run() {
    return root.resolve("run");
  }

  /** The power-saving programs (ResumeProgram etc.). */
  public Path bin() {
    return root.resolve("bin");
  }

  public Path tmp() {
    return root.resolve("tmp");
  }
}
