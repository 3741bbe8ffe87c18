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
    return runtimeDir().resolve("munge");
  }

  /** The system property that overrides {@link #runtimeDir()} (before the environment). */
  public static final String RUNTIME_DIR_PROPERTY = "openpcs.runtimeDir";

  /**
   * {@code /run/openpcs}, or the system property {@value #RUNTIME_DIR_PROPERTY}, or
   * $OPENPCS_RUNTIME_DIR: short paths for sockets. The property lets a program that runs the server
   * in its own JVM (the benchmarks) choose the directory without changing its environment.
   */
  public static Path runtimeDir() {
    String override = System.getProperty(RUNTIME_DIR_PROPERTY);
    if (override == null || override.isBlank()) {
      override = System.getenv("OPENPCS_RUNTIME_DIR");
    }
    return override != null && !override.isBlank() ? Path.of(override) : Path.of("/run/openpcs");
  }

  public Path state() {
    return root.resolve("state");
  }

  /**
   * The parent of the cluster's slurmd spool directories ({@code SlurmdSpoolDir=<spool>/%n}).
   * slurmstepd puts its sockets there as {@code <spool>/<node>/<node>_<job>.<step>}, and a socket
   * path is limited to 108 bytes: with node names of up to 30 characters a spool under the data dir
   * (already ~40 characters at {@code ~/.openpcs/clusters/pcs_…}) makes every job launch fail. So
   * spools live in the short runtime directory, keyed by the cluster id without its {@code pcs_}
   * prefix: {@code /run/openpcs/spool/abcdefghij}.
   */
  public Path spool() {
    String name = root.getFileName().toString();
    return runtimeDir()
        .resolve("spool")
        .resolve(name.startsWith("pcs_") ? name.substring("pcs_".length()) : name);
  }

  public Path log() {
    return root.resolve("log");
  }

  /** slurmctld's job-completion log (jobcomp/filetxt): one line per finished job. */
  public Path jobcompLog() {
    return log().resolve("jobcomp.txt");
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
