package org.openpcs.server.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a file another process appends to, remembering (inode, offset) in a small state file so
 * that a restarted server continues where it stopped instead of repeating or skipping lines. A new
 * inode (the file was rotated or recreated) or a file shorter than the offset (truncated) is read
 * from its start. A file seen for the first time is read from its start too: its first lines (a new
 * cluster's start-up, the first finished job) matter. Delivery is at least once: the offset is
 * saved after the lines were handed on, so a crash in between repeats at most one poll's lines.
 */
final class FileTail {
  /** Lines longer than this are cut: a runaway line must not hold the whole read. */
  private static final int MAX_READ = 1024 * 1024;

  private final Path file;
  private final Path state;
  private long inode = -1;
  private long offset;
  private long pendingInode = -1;
  private long pendingOffset;

  FileTail(Path file, Path state) {
    this.file = file;
    this.state = state;
    load();
  }

  /** Complete lines appended since the last {@link #commit()}; call commit once handed on. */
  List<String> poll() throws IOException {
    List<String> lines = new ArrayList<>();
    long ino;
    try {
      ino = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    } catch (NoSuchFileException e) {
      return lines;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long from = ino == inode && offset <= ch.size() ? offset : 0;
      long size = ch.size();
      int len = (int) Math.min(size - from, MAX_READ);
      ByteBuffer buf = ByteBuffer.allocate(len);
      ch.position(from);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading
      }
      byte[] bytes = buf.array();
      int n = buf.position();
      int lineStart = 0;
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          lines.add(new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8));
          lineStart = i + 1;
        }
      }
      if (lineStart == 0 && n == MAX_READ) {
        // One line longer than a whole read: hand it on cut rather than stall on it forever.
        lines.add(new String(bytes, 0, n, StandardCharsets.UTF_8));
        lineStart = n;
      }
      pendingInode = ino;
      pendingOffset = from + lineStart;
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return lines;
  }

  /** Remembers that everything {@link #poll()} returned was handed on. */
  void commit() throws IOException {
    if (pendingInode < 0 || (pendingInode == inode && pendingOffset == offset)) {
      return;
    }
    inode = pendingInode;
    offset = pendingOffset;
    Files.createDirectories(state.getParent());
    Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
    Files.writeString(tmp, inode + " " + offset + "\n");
    Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void load() {
    try {
      String[] p = Files.readString(state).strip().split(" ");
      inode = Long.parseLong(p[0]);
      offset = Long.parseLong(p[1]);
    } catch (IOException | RuntimeException e) {
      inode = -1; // never tailed (or an unreadable state): start at the beginning
      offset = 0;
    }
  }
}
