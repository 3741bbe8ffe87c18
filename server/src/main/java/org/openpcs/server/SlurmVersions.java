package org.openpcs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the Slurm versions installed on this host by asking the binaries ({@code slurmctld -V}).
 */
public final class SlurmVersions {
  private static final Pattern VERSION = Pattern.compile("slurm[- ]?(?:wlm )?(\\d+)\\.(\\d+)");

  private SlurmVersions() {}

  /** Major.minor versions found, plus the extra ones configured. */
  public static SortedSet<String> detect(List<String> extra) {
    SortedSet<String> versions = new TreeSet<>(extra);
    for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/opt/slurm/sbin")) {
      Path bin = Path.of(dir, "slurmctld");
      if (Files.isExecutable(bin)) {
        ask(bin).ifPresent(versions::add);
      }
    }
    return versions;
  }

  static Optional<String> ask(Path slurmctld) {
    try {
      Process p = new ProcessBuilder(slurmctld.toString(), "-V").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return parse(out);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** {@code "slurm 22.05.8"} → {@code 22.05}. */
  static Optional<String> parse(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    return m.find() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
  }
}
