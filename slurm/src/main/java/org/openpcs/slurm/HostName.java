package org.openpcs.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's short host name, the way slurmctld sees it: slurmctld refuses to start unless a
 * {@code SlurmctldHost} entry names the host it runs on. Read from the kernel rather than DNS so it
 * is instant and matches {@code gethostname()}.
 */
final class HostName {
  private static volatile String cached;

  private HostName() {}

  static String shortName() {
    String name = cached;
    if (name == null) {
      name = shorten(read());
      cached = name;
    }
    return name;
  }

  static String shorten(String name) {
    String trimmed = name == null ? "" : name.trim();
    int dot = trimmed.indexOf('.');
    String shortName = dot > 0 ? trimmed.substring(0, dot) : trimmed;
    return shortName.isEmpty() ? "localhost" : shortName;
  }

  private static String read() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"));
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "localhost";
    }
  }
}
