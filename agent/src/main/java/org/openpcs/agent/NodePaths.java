package org.openpcs.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where an agent keeps its files, all under the instance directory. */
record NodePaths(Path dir) {
  /** Unix socket paths are limited to 108 bytes; keep a margin. */
  static final int MAX_SOCKET_PATH = 100;

  Path stateFile() {
    return dir.resolve(StateFile.NAME);
  }

  Path mungeDir() {
    return dir.resolve("munge");
  }

  Path mungeKey() {
    return mungeDir().resolve("munge.key");
  }

  /**
   * The munge socket: in the munge directory, unless munged would refuse it there — the path is too
   * long for a unix socket, or a directory above it lacks o+x (munged: "Socket is inaccessible:
   * execute permissions for all required") — then in a short directory under /tmp named after a
   * hash of the instance dir.
   */
  Path defaultMungeSocket() {
    Path s = mungeDir().resolve("munge.socket");
    if (s.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH
        && ancestorsSearchable(dir)) {
      return s;
    }
    return Path.of("/tmp", "openpcs-munge-" + shortHash(dir.toString())).resolve("munge.socket");
  }

  /** True if every existing directory from / down to {@code p} is o+x. */
  static boolean ancestorsSearchable(Path p) {
    for (Path cur = p.toAbsolutePath(); cur != null; cur = cur.getParent()) {
      try {
        if (Files.exists(cur)
            && !Files.getPosixFilePermissions(cur).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return true;
  }

  Path mungedPid() {
    return mungeDir().resolve("munged.pid");
  }

  Path mungedSeed() {
    return mungeDir().resolve("munged.seed");
  }

  Path logDir() {
    return dir.resolve("log");
  }

  Path mungedLog() {
    return logDir().resolve("munged.log");
  }

  Path mungedOut() {
    return logDir().resolve("munged.out");
  }

  Path slurmdOut() {
    return logDir().resolve("slurmd.out");
  }

  Path bootstrapLog() {
    return logDir().resolve("bootstrap.log");
  }

  Path bootstrapScript() {
    return dir.resolve("bootstrap.sh");
  }

  /** Present once the bootstrap script succeeded. */
  Path bootstrapDone() {
    return dir.resolve("bootstrap.done");
  }

  /** Mount point for the host's /run inside slurmd's private mount namespace. */
  Path hostRun() {
    return dir.resolve("ns").resolve("host-run");
  }

  /** What slurmd's namespace sees as /run (see NodeDaemons#NAMESPACE_SCRIPT). */
  Path nodeRun() {
    return dir.resolve("ns").resolve("run");
  }

  private static String shortHash(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
