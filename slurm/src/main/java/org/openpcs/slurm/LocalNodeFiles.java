package org.openpcs.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a slurmd on this host needs before it starts, following the paths the renderer writes: its
 * spool directory, its TmpFS directory (mode 1777, lab §10) and, for a node with GPUs, the
 * simulated GPU device files that gres.conf names.
 *
 * <p>GPU choice: 22.05's gres/gpu silently drops a GPU without {@code File=} and the node then goes
 * INVALID ("gres/gpu count reported lower than configured"). Each simulated GPU is therefore a
 * character device with /dev/null's numbers (1,3): slurmd accepts it, allocates it and sets
 * CUDA_VISIBLE_DEVICES; reading or writing it does nothing. Without CAP_MKNOD a plain empty file is
 * used instead: the GPU is still counted and allocated, but slurmd logs "not a valid character or
 * block device" and sets no CUDA_VISIBLE_DEVICES.
 */
public final class LocalNodeFiles {
  private static final Logger log = LoggerFactory.getLogger(LocalNodeFiles.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private LocalNodeFiles() {}

  public static void prepare(ClusterPaths paths, String nodeName, int gpus) {
    ConfValues.name("node name", nodeName);
    try {
      Path spool = paths.spool().resolve(nodeName);
      Files.createDirectories(spool);
      Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path tmp = paths.tmp().resolve(nodeName);
      Files.createDirectories(tmp);
      // Java cannot set the sticky bit, but it can read it: a chmod process per node and pass
      // was thousands of processes a minute on a large cluster.
      if (((Integer) Files.getAttribute(tmp, "unix:mode") & 07777) != 01777) {
        run(List.of(tool("chmod"), "1777", tmp.toString()), "chmod 1777 " + tmp);
      }
      for (int i = 0; i < gpus; i++) {
        fakeGpu(SlurmConfRenderer.gpuDevice(paths, nodeName, i));
      }
    } catch (IOException e) {
      throw new SlurmException("cannot prepare node " + nodeName + ": " + e.getMessage(), e);
    }
  }

  private static void fakeGpu(Path device) throws IOException {
    if (Files.exists(device, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(device.getParent());
    CommandResult r =
        ProcessRunner.run(
            List.of(tool("mknod"), "-m", "0666", device.toString(), "c", "1", "3"),
            Map.of(),
            TIMEOUT,
            null);
    if (!r.ok()) {
      log.warn("cannot create character device {} ({}); using a plain file", device, r.describe());
      Files.createFile(device);
    }
  }

  private static void run(List<String> command, String what) {
    CommandResult r = ProcessRunner.run(command, Map.of(), TIMEOUT, null);
    if (!r.ok()) {
      throw new SlurmException(what + " failed: " + r.describe());
    }
  }

  private static String tool(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new SlurmException(name + " not found");
  }
}
