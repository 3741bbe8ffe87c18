package org.openpcs.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log, for failure messages. */
final class LogTail {
  private LogTail() {}

  /** At most {@code lines} lines and about {@code maxChars} characters from the end of a file. */
  static String of(Path file, int lines, int maxChars) {
    byte[] buf;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 64 * 1024);
      buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
    } catch (IOException e) {
      return "";
    }
    String text = new String(buf, StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(Arrays.asList(text.split("\r?\n")));
    all.removeIf(String::isBlank);
    List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
    String joined = String.join(" | ", last);
    if (joined.length() > maxChars) {
      joined = "..." + joined.substring(joined.length() - maxChars);
    }
    return joined;
  }
}
