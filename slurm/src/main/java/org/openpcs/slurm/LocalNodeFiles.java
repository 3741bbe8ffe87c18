package org.openpcs.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
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

  /** Most directories one chmod process is given (well below any argument-length limit). */
  static final int CHMOD_BATCH = 256;

  public static void prepare(ClusterPaths paths, String nodeName, int gpus) {
    prepareAll(paths, Map.of(nodeName, gpus));
  }

  /**
   * Prepares every node of {@code gpusByNode} (node name → simulated GPUs). Java cannot set the
   * sticky bit, but it can read it: directories that lack it get it from one chmod process per
   * {@link #CHMOD_BATCH} directories (a process per node made a 1,000-node group cost 1,000
   * processes when it was created).
   */
  public static void prepareAll(ClusterPaths paths, Map<String, Integer> gpusByNode) {
    List<String> notSticky = new ArrayList<>();
    for (Map.Entry<String, Integer> node : gpusByNode.entrySet()) {
      String nodeName = node.getKey();
      ConfValues.name("node name", nodeName);
      try {
        Path spool = paths.spool().resolve(nodeName);
        Files.createDirectories(spool);
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = paths.tmp().resolve(nodeName);
        Files.createDirectories(tmp);
        if (((Integer) Files.getAttribute(tmp, "unix:mode") & 07777) != 01777) {
          notSticky.add(tmp.toString());
        }
        for (int i = 0; i < node.getValue(); i++) {
          fakeGpu(SlurmConfRenderer.gpuDevice(paths, nodeName, i));
        }
      } catch (IOException e) {
        throw new SlurmException("cannot prepare node " + nodeName + ": " + e.getMessage(), e);
      }
    }
    for (int from = 0; from < notSticky.size(); from += CHMOD_BATCH) {
      List<String> batch = notSticky.subList(from, Math.min(notSticky.size(), from + CHMOD_BATCH));
      List<String> command = new ArrayList<>(List.of(tool("chmod"), "1777"));
      command.addAll(batch);
      run(command, "chmod 1777 " + batch.getFirst() + (batch.size() > 1 ? " and others" : ""));
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
