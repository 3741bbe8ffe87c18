package org.openpcs.slurm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Replaces files so that a reader (slurmctld on reconfigure, munged at start) sees either the old
 * or the new content, never half of it: write a temporary file next to the target, with the final
 * permissions from the first byte, flush it to disk, then rename over the target.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  static void write(Path target, byte[] content, String mode) {
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(perms))) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      // The umask may have narrowed the mode given at creation.
      Files.setPosixFilePermissions(tmp, perms);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort; the original error matters
      }
      throw new SlurmException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
