package org.openpcs.control.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.SlurmInstallation;

/**
 * The start gate (D55, D56): the cluster's PrologSlurmctld, which makes slurmctld 22.05 start a job
 * on nodes it powered up as soon as they are up, instead of at its 30 s pass, without requeueing
 * it.
 *
 * <p>22.05 launches a job it put on powered-down nodes (state CONFIGURING) only when its periodic
 * {@code job_time_limit} pass finds the nodes ready — or when the job's PrologSlurmctld exits and
 * they are ready then ({@code prolog_running_decr}, src/slurmctld/job_scheduler.c; measured: the
 * job ran 50–60 ms after its last node responded). So the program returns at once when the job's
 * nodes are up (known from their markers in {@link #upDir}, D56, or else from one {@code sinfo}),
 * and otherwise waits on a FIFO named after the job in {@link #dir} until the server, which learns
 * when each node's slurmd is up, says the word ({@link #open}). It also looks for itself every
 * {@link #SELF_CHECK_SECONDS} s, so a job still starts within that time when the server is down,
 * and it returns when the job no longer waits (cancelled, requeued) or after {@link
 * #GIVE_UP_SECONDS} (beyond ResumeTimeout). It always exits 0: a failing PrologSlurmctld requeues
 * its job, and one that never ends would hold the job for good, since the 30 s pass skips jobs
 * whose prolog runs.
 *
 * <p>The FIFO is created before the second look at Slurm, so a node that comes up between the first
 * look and the FIFO is seen by that look. It is made and opened under a private name and only then
 * renamed to the job's, so every gate the server sees already has its reader and a word written
 * before the program reads stays in the FIFO (a FIFO nobody holds open drops what is written). The
 * server opens a FIFO read-write, which never blocks, so a gate whose program is gone costs
 * nothing; such leftovers (a program killed with its cancelled job) are removed by {@link #sweep}.
 */
public final class StartGates {
  static final String PROGRAM = "prolog-slurmctld";
  static final int SELF_CHECK_SECONDS = 5;
  static final int GIVE_UP_SECONDS = 660;
  private static final Pattern UNNAMED = Pattern.compile("\\.([0-9]{1,18})\\.[0-9]+");

  private StartGates() {}

  static Path dir(ClusterPaths paths) {
    return PowerPrograms.inbox(paths).resolve("starts");
  }

  public static Path program(ClusterPaths paths) {
    return paths.bin().resolve(PROGRAM);
  }

  /** Writes the program (idempotent) and creates the gates' and the up markers' directories. */
  static void install(ClusterPaths paths, SlurmInstallation slurm) {
    install(paths, text(paths, slurm.path("sinfo"), slurm.path("squeue"), SELF_CHECK_SECONDS));
  }

  /**
   * Writes the program: {@code text}, the bash part, and the front slurmctld runs, which answers
   * the common case in sh (idempotent); creates the gates' and the markers' directories.
   */
  static void install(ClusterPaths paths, String text) {
    try {
      Files.createDirectories(dir(paths));
      Files.createDirectories(upDir(paths));
      Files.createDirectories(paths.bin());
      Path bash = paths.bin().resolve(PROGRAM + ".bash");
      // the bash part first: a new front never runs an older one
      write(bash, text);
      write(program(paths), StartGateProgram.front(paths, bash));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the start gate in " + paths.bin(), e);
    }
  }

  private static void write(Path program, String text) throws IOException {
    if (!Files.exists(program) || !Files.readString(program).equals(text)) {
      Path tmp = program.resolveSibling("." + program.getFileName() + ".tmp");
      Files.writeString(tmp, text);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(tmp, program, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The text of the program's bash part ({@link StartGateProgram}). */
  static String text(ClusterPaths paths, Path sinfo, Path squeue, int selfCheck) {
    return StartGateProgram.text(paths, sinfo, squeue, selfCheck);
  }

  /** Where a node known to be up has its marker, an empty file named after it (D56). */
  static Path upDir(ClusterPaths paths) {
    return PowerPrograms.inbox(paths).resolve("up");
  }

  /**
   * Marks {@code nodes} up: only for nodes Slurm shows up while a job is allocated on them, which
   * Slurm does not power down meanwhile (see {@link StartGateProgram}).
   */
  static void markUp(ClusterPaths paths, Iterable<String> nodes) {
    for (String node : nodes) {
      if (node.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        try {
          Files.write(upDir(paths).resolve(node), new byte[0]);
        } catch (IOException e) {
          // a missing marker costs the next job on the node one sinfo
        }
      }
    }
  }

  /**
   * Forgets which nodes are up, when slurmctld starts or takes a new configuration: what it
   * recovers is its own business, and a missing marker costs the next job on a node one sinfo.
   */
  public static void forgetUp(ClusterPaths paths) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(upDir(paths))) {
      for (Path f : ds) {
        Files.deleteIfExists(f);
      }
    } catch (java.nio.file.NoSuchFileException none) {
      // never installed: nothing known
    } catch (IOException e) {
      throw new UncheckedIOException("cannot forget the nodes known up in " + upDir(paths), e);
    }
  }

  /** Job id → when its gate was created, for every gate of the cluster (FIFOs named by job id). */
  static Map<Long, Instant> waiting(ClusterPaths paths) {
    Map<Long, Instant> out = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(paths))) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        if (!name.matches("[0-9]{1,18}")) {
          continue;
        }
        try {
          out.put(
              Long.parseLong(name),
              Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant());
        } catch (IOException gone) {
          // its program returned meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }

  /**
   * Tells the job's program that its nodes are up. Returns false when there was no gate (the
   * program returned meanwhile). Opened read-write, a FIFO never blocks the opener.
   */
  static boolean open(ClusterPaths paths, long job) {
    Path gate = dir(paths).resolve(Long.toString(job));
    try {
      // Only a FIFO ("other" than a file, directory or link): never write into anything else.
      if (!Files.readAttributes(gate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isOther()) {
        return false;
      }
    } catch (IOException gone) {
      return false;
    }
    try (FileChannel ch =
        FileChannel.open(
            gate, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Removes the gates of jobs that are not {@code configuring} and whose gate is older than {@code
   * before} (the read of the jobs, less a margin: a gate made after it belongs to a job the read
   * could not see yet). Their program was killed with its job; one still alive returns at its next
   * look.
   */
  static void sweep(ClusterPaths paths, Set<Long> configuring, Instant before) {
    removeUnnamed(paths, configuring, before);
    waiting(paths)
        .forEach(
            (job, made) -> {
              if (!configuring.contains(job) && made.isBefore(before)) {
                open(paths, job);
                try {
                  Files.deleteIfExists(dir(paths).resolve(Long.toString(job)));
                } catch (IOException e) {
                  // tried again at the next sweep
                }
              }
            });
  }

  /**
   * Removes the private FIFOs ({@code .<job>.<pid>}) of programs killed before they renamed theirs
   * into place, on the same terms as the gates.
   */
  private static void removeUnnamed(ClusterPaths paths, Set<Long> configuring, Instant before) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(paths), ".*")) {
      for (Path f : ds) {
        Matcher m = UNNAMED.matcher(f.getFileName().toString());
        if (m.matches()
            && !configuring.contains(Long.parseLong(m.group(1)))
            && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)
                .toInstant()
                .isBefore(before)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      // tried again at the next sweep
    }
  }
}
