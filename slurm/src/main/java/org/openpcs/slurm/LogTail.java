package org.openpcs.slurm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a daemon log, for error messages: daemons report start failures only there. */
final class LogTail {
  private static final int MAX_BYTES = 16 * 1024;

  private LogTail() {}

  static String lastLines(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no " + file.getFileName() + ")";
    }
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      int len = (int) Math.min(size, MAX_BYTES);
      ch.position(size - len);
      ByteBuffer buf = ByteBuffer.allocate(len);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      List<String> all = Arrays.asList(text.split("\n"));
      return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
