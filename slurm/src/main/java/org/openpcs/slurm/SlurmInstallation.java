package org.openpcs.slurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Slurm and munge programs on this host and the Slurm version they report. Versions are asked
 * from the binaries (not from package managers) because that is what will actually run.
 */
public final class SlurmInstallation {
  /** Every program the slurm layer runs; {@code setsid} detaches daemons from the server. */
  public static final List<String> PROGRAMS =
      List.of(
          "slurmctld",
          "slurmd",
          "scontrol",
          "sbatch",
          "srun",
          "squeue",
          "sinfo",
          "scancel",
          "munged",
          "mungekey",
          "munge",
          "unmunge",
          "setsid");

  public static final List<Path> DEFAULT_SEARCH_PATH =
      List.of(
          Path.of("/usr/sbin"),
          Path.of("/usr/bin"),
          Path.of("/usr/local/sbin"),
          Path.of("/usr/local/bin"));

  /** "slurm 22.05.8", "slurm-wlm 22.05.8" (Debian), "slurm 23.11.1-1"... */
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Slurm programs asked for the version, in order; they all print the same string. */
  private static final List<String> VERSION_PROGRAMS = List.of("slurmctld", "scontrol", "sinfo");

  private final Map<String, Path> programs;
  private final String fullVersion;

  private SlurmInstallation(Map<String, Path> programs, String fullVersion) {
    this.programs = Map.copyOf(programs);
    this.fullVersion = fullVersion;
  }

  /** Looks in /usr/sbin, /usr/bin, /usr/local/sbin and /usr/local/bin. */
  public static Optional<SlurmInstallation> detect() {
    return detect(DEFAULT_SEARCH_PATH);
  }

  /**
   * @return empty when no Slurm program answers with a version; otherwise an installation that may
   *     still be incomplete (see {@link #missing()})
   */
  public static Optional<SlurmInstallation> detect(List<Path> searchPath) {
    Map<String, Path> found = new LinkedHashMap<>();
    for (String program : PROGRAMS) {
      for (Path dir : searchPath) {
        Path candidate = dir.resolve(program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          found.put(program, candidate.toAbsolutePath());
          break;
        }
      }
    }
    for (String program : VERSION_PROGRAMS) {
      Path binary = found.get(program);
      if (binary == null) {
        continue;
      }
      CommandResult r =
          ProcessRunner.run(
              List.of(binary.toString(), "-V"), Map.of(), Duration.ofSeconds(10), null);
      Optional<String> version = parseVersion(r.stdout() + " " + r.stderr());
      if (r.ok() && version.isPresent()) {
        return Optional.of(new SlurmInstallation(found, version.get()));
      }
    }
    return Optional.empty();
  }

  /** "slurm-wlm 22.05.8" → "22.05.8". */
  static Optional<String> parseVersion(String output) {
    Matcher m = VERSION.matcher(output == null ? "" : output);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1) + "." + m.group(2) + "." + m.group(3));
  }

  /** Major.minor, the form PCS uses for {@code scheduler.version}: "22.05". */
  public String version() {
    return fullVersion.substring(0, fullVersion.lastIndexOf('.'));
  }

  /** As reported, e.g. "22.05.8". */
  public String fullVersion() {
    return fullVersion;
  }

  /** Programs from {@link #PROGRAMS} that were not found; empty when complete. */
  public List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (String program : PROGRAMS) {
      if (!programs.containsKey(program)) {
        missing.add(program);
      }
    }
    return List.copyOf(missing);
  }

  public boolean complete() {
    return programs.size() == PROGRAMS.size();
  }

  /** The absolute path of a program, or an error that names what to install. */
  public Path path(String program) {
    Path p = programs.get(program);
    if (p == null) {
      throw new SlurmException(
          program
              + " not found in "
              + DEFAULT_SEARCH_PATH
              + " (install munge, slurmctld, slurmd and slurm-client; missing: "
              + missing()
              + ")");
    }
    return p;
  }

  @Override
  public String toString() {
    return "Slurm " + fullVersion + (complete() ? "" : " (missing " + missing() + ")");
  }
}
