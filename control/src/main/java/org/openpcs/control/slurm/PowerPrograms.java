package org.openpcs.control.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.openpcs.slurm.ClusterPaths;

/**
 * Slurm's ResumeProgram, SuspendProgram and ResumeFailProgram. They do no work: each drops the host
 * list it was given into the cluster's power inbox and returns at once, so slurmctld is never
 * blocked by a slow launch and no decision is made outside the controllers. A file (written to a
 * hidden name, then renamed) survives a server that is down or restarting: the request is acted on
 * when the server reads it, and only then deleted.
 */
public final class PowerPrograms {
  public static final String RESUME = "resume";
  public static final String SUSPEND = "suspend";
  public static final String RESUME_FAIL = "resume-fail";

  private PowerPrograms() {}

  public static Path inbox(ClusterPaths paths) {
    return paths.root().resolve("power");
  }

  /**
   * A node Slurm powers down (or gives up on) is no longer up: the suspend and resume-fail programs
   * remove every start gate marker (D56) before anything else, while Slurm holds the nodes out of
   * reach. All of them, not only the given nodes': that needs no host list expansion, and a missing
   * marker only costs the next job on a node one {@code sinfo}.
   */
  private static String forgetUp(ClusterPaths paths, String action) {
    return action.equals(RESUME) ? "" : "rm -f '" + StartGates.upDir(paths) + "'/* 2>/dev/null\n";
  }

  /** Writes the three programs (idempotent). */
  public static void install(ClusterPaths paths) {
    try {
      Files.createDirectories(paths.bin());
      Files.createDirectories(inbox(paths));
      for (String action : new String[] {RESUME, SUSPEND, RESUME_FAIL}) {
        Path program = paths.bin().resolve(action);
        String text =
            "#!/bin/sh\n"
                + "# OpenPCS power-saving bridge ("
                + action
                + "): hand the host list to the server, return at once.\n"
                + "d='"
                + inbox(paths)
                + "'\n"
                + forgetUp(paths, action)
                + "f=\""
                + action
                + "-$(date +%s%N)-$$\"\n"
                + "printf '%s\\n' \"$1\" > \"$d/.$f\" && mv \"$d/.$f\" \"$d/$f\"\n";
        if (!Files.exists(program) || !Files.readString(program).equals(text)) {
          Path tmp = program.resolveSibling("." + action + ".tmp");
          Files.writeString(tmp, text);
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
          Files.move(
              tmp,
              program,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot install the power-saving programs in " + paths.bin(), e);
    }
  }
}
