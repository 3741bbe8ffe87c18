package org.openpcs.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One cluster's files on the controller side: its directory tree, munged's key and the rendered
 * Slurm files. Keeps no state; {@link ControllerDaemons} exposes these as its public API.
 */
final class ClusterFiles {
  /** munged's key limits (mungekey accepts 256 to 8192 bits). */
  static final int MIN_KEY_BYTES = 32;

  static final int MAX_KEY_BYTES = 1024;

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final ClusterPaths paths;

  ClusterFiles(ClusterPaths paths) {
    this.paths = paths;
  }

  /** Creates the cluster's directory tree; safe to call again. */
  void prepare() {
    // munged refuses a socket directory without o+x ("execute permissions for all required").
    directory(paths.root(), "rwxr-xr-x");
    directory(paths.etc(), "rwxr-xr-x");
    directory(paths.mungeDir(), "rwxr-xr-x");
    directory(ClusterPaths.socketDir().getParent(), "rwxr-xr-x");
    directory(ClusterPaths.socketDir(), "rwxr-xr-x");
    directory(paths.state(), "rwx------");
    directory(paths.spool(), "rwxr-xr-x");
    directory(paths.log(), "rwxr-xr-x");
    directory(paths.run(), "rwxr-xr-x");
    directory(paths.bin(), "rwxr-xr-x");
    directory(paths.tmp(), "rwxr-xr-x");
  }

  /**
   * Writes the cluster secret as munged's key (mode 0400, replaced atomically). The key is never
   * logged. A running munged keeps its old key until it is restarted.
   */
  void writeMungeKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "munge key must have " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes");
    }
    AtomicFiles.write(paths.mungeKey(), key, "r--------");
  }

  /** Writes rendered files into etc/, each replaced atomically (mode 0644). */
  void writeConfig(Map<String, String> files) {
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (!FILE_NAME.matcher(f.getKey()).matches()) {
        throw new IllegalArgumentException("invalid config file name: " + f.getKey());
      }
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      AtomicFiles.write(
          paths.etc().resolve(f.getKey()),
          f.getValue().getBytes(StandardCharsets.UTF_8),
          "rw-r--r--");
    }
  }

  private static void directory(Path dir, String mode) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new SlurmException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }
}
