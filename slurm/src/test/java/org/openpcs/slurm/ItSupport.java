package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers for tests that run real Slurm daemons. */
final class ItSupport {
  private ItSupport() {}

  /** A block of consecutive TCP ports that nothing listens on right now, from 20000-29999. */
  static int freePortBlock(int size) {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20000 + random.nextInt(10000 - size);
      boolean free = true;
      for (int p = base; p < base + size && free; p++) {
        free = portFree(p);
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free block of " + size + " ports in 20000-29999");
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until the condition holds; fails with {@code why} and the slurmctld log otherwise. */
  static void await(String what, Duration timeout, ClusterPaths paths, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + "; slurmctld.log: "
                + LogTail.lastLines(paths.log().resolve("slurmctld.log"), 15));
      }
      Procs.pause(100);
    }
  }

  /** Starts a file-based slurmd the way the lab does: detached, one per node name. */
  static void startSlurmd(SlurmInstallation inst, ClusterPaths paths, String node, int gpus) {
    LocalNodeFiles.prepare(paths, node, gpus);
    ProcessBuilder pb =
        new ProcessBuilder(
            inst.path("setsid").toString(),
            inst.path("slurmd").toString(),
            "-f",
            paths.slurmConf().toString(),
            "-N",
            node);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLURM_"));
    pb.environment().put("SLURM_CONF", paths.slurmConf().toString());
    pb.redirectInput(Redirect.from(new File("/dev/null")));
    pb.redirectOutput(Redirect.appendTo(paths.log().resolve("slurmd-" + node + ".stdio").toFile()));
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail(
            "slurmd "
                + node
                + " did not start: "
                + LogTail.lastLines(paths.log().resolve("slurmd-" + node + ".log"), 10));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A Slurm client command with the cluster's config. */
  static CommandResult slurm(
      SlurmInstallation inst, ClusterPaths paths, String program, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(inst.path(program).toString());
    cmd.addAll(List.of(args));
    return ProcessRunner.run(
        cmd, Map.of("SLURM_CONF", paths.slurmConf().toString()), Duration.ofSeconds(30), null);
  }

  static long sbatch(
      SlurmInstallation inst, ClusterPaths paths, String partition, int nodes, String script) {
    CommandResult r =
        slurm(
            inst,
            paths,
            "sbatch",
            "--parsable",
            "-p",
            partition,
            "-N",
            Integer.toString(nodes),
            "--chdir=" + paths.tmp(),
            "-o",
            paths.log().resolve("job-%j.out").toString(),
            "--wrap",
            script);
    if (!r.ok()) {
      fail("sbatch failed: " + r.describe());
    }
    return Long.parseLong(r.stdout().strip().split(";")[0]);
  }

  /** Live processes whose command line or SLURM_CONF mentions the directory. */
  static List<String> processesReferencing(Path root) {
    String dir = root.toString() + "/";
    List<String> out = new ArrayList<>();
    for (long pid : Procs.all()) {
      String cmd = String.join(" ", Procs.cmdline(pid));
      String conf = Procs.environ(pid, "SLURM_CONF").orElse("");
      if (cmd.contains(dir) || conf.startsWith(dir)) {
        out.add(pid + ": " + cmd);
      }
    }
    return out;
  }

  /** Field {@code index} (1-based, as in proc(5)) of /proc/pid/stat, e.g. 4 = ppid, 6 = session. */
  static long statField(long pid, int index) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[index - 3]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * True if SIGTERM (15) is blocked: a daemon inheriting that mask could not be stopped cleanly.
   */
  static boolean sigtermBlocked(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("SigBlk:")) {
          long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
          return (mask & (1L << 14)) != 0;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // keep going; leftovers are reported by the caller's checks
                }
              });
    } catch (IOException e) {
      // nothing to clean
    }
  }
}
