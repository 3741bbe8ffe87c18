package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.slurm.Hostlist;

/**
 * Follows one slurmctld log for the moments jobs are given nodes (D54). slurmctld logs every
 * allocation at its default level as it makes it, from the main scheduler ({@code sched: Allocate
 * JobId=7 NodeList=n[1-2] …}), the backfill scheduler ({@code … Started JobId=7 in q on n[1-2]})
 * and an interactive allocation ({@code _slurm_rpc_allocate_resources: JobId=7 NodeList=n1 …}); its
 * power-saving thread asks for the powered-down ones only at its next pass, about a second later.
 *
 * <p>Not thread-safe: one follower per cluster, read by one thread. The first read starts at the
 * end of the file (what was logged before is history); a file that shrank or was replaced is read
 * from its start. A line is only taken whole, so a line half written when read is taken at the next
 * read.
 */
final class AllocationLog {
  /** A read takes at most this much: a burst of allocations is a few hundred bytes per job. */
  private static final int MAX_READ = 1 << 20;

  private static final Pattern ALLOCATION =
      Pattern.compile(
          "(?:sched: Allocate JobId=|_slurm_rpc_allocate_resources:? JobId=)(\\d+) NodeList=(\\S+)"
              + "|Started JobId=(\\d+) in \\S+ on (\\S+)");

  private final Path file;
  private Object fileKey;
  private long offset = -1;
  private byte[] partial = new byte[0];

  AllocationLog(Path file) {
    this.file = file;
  }

  /** The nodes of the allocations one line names (pure); empty for any other line. */
  static List<String> nodesOf(String line) {
    Matcher m = ALLOCATION.matcher(line);
    if (!m.find()) {
      return List.of();
    }
    String nodes = m.group(2) != null ? m.group(2) : m.group(4);
    if (nodes.equals("(null)")) {
      return List.of();
    }
    try {
      return Hostlist.expand(nodes);
    } catch (RuntimeException e) {
      return List.of(); // not a hostlist after all: nothing to launch for
    }
  }

  /** The nodes of the allocations logged since the last read, in log order, each once. */
  List<String> newlyAllocated() {
    Optional<String> text = readNew();
    if (text.isEmpty()) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String line : text.get().split("\n")) {
      out.addAll(nodesOf(line));
    }
    return new ArrayList<>(out);
  }

  /** The whole lines appended since the last read; empty when there are none. */
  private Optional<String> readNew() {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return Optional.empty(); // not there yet (slurmctld not started): read from its start later
    }
    Object key = attrs.fileKey();
    long size = attrs.size();
    if (offset < 0 && fileKey == null) {
      // first sight: history, not news
      fileKey = key;
      offset = size;
      return Optional.empty();
    }
    if ((key != null && !key.equals(fileKey)) || size < offset || offset < 0) {
      fileKey = key;
      offset = 0;
      partial = new byte[0];
    }
    if (size == offset) {
      return Optional.empty();
    }
    int len = (int) Math.min(size - offset, MAX_READ);
    ByteBuffer buf = ByteBuffer.allocate(partial.length + len);
    buf.put(partial);
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      ch.position(offset);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    int got = buf.position() - partial.length;
    offset += got;
    byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
    int lastNewline = lastIndexOf(bytes, (byte) '\n');
    partial = Arrays.copyOfRange(bytes, lastNewline + 1, bytes.length);
    if (lastNewline < 0) {
      return Optional.empty();
    }
    return Optional.of(new String(bytes, 0, lastNewline, StandardCharsets.UTF_8));
  }

  private static int lastIndexOf(byte[] bytes, byte b) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
