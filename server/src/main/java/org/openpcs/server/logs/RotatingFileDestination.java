package org.openpcs.server.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON lines in {@code <root>/<stream>/<type>.log}, rotated by size: the full file becomes {@code
 * .1}, older generations move up, and the oldest beyond {@code kept} is deleted. Rotation renames,
 * so a reader's position (inode and offset, see {@link LogReader}) stays valid across it. Written
 * here rather than with logback's appender: the reader depends on exactly this naming and renaming.
 */
final class RotatingFileDestination implements LogDestination {
  /** A stream name is a cluster id or {@code _server}: never a path. */
  private static final Pattern STREAM = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private final Path root;
  private final long maxBytes;
  private final int kept;
  private final Map<Path, Open> open = new HashMap<>();

  private record Open(OutputStream out, long[] size) {}

  RotatingFileDestination(Path root, long maxBytes, int kept) {
    this.root = root;
    this.maxBytes = maxBytes;
    this.kept = kept;
  }

  @Override
  public String name() {
    return "file";
  }

  static Path file(Path root, String stream, LogType type) {
    if (!STREAM.matcher(stream).matches()) {
      throw new IllegalArgumentException("not a log stream name: " + stream);
    }
    return root.resolve(stream).resolve(type.fileName());
  }

  static Path generation(Path current, int n) {
    return current.resolveSibling(current.getFileName() + "." + n);
  }

  @Override
  public void write(List<LogRecord> batch) throws IOException {
    Map<Path, Open> touched = new HashMap<>();
    try {
      for (LogRecord r : batch) {
        Path f = file(root, r.stream(), r.type());
        byte[] line = (r.json() + "\n").getBytes(StandardCharsets.UTF_8);
        Open o = open(f);
        if (o.size()[0] > 0 && o.size()[0] + line.length > maxBytes) {
          rotate(f);
          o = open(f);
        }
        o.out().write(line);
        o.size()[0] += line.length;
        touched.put(f, o);
      }
    } finally {
      for (Open o : touched.values()) {
        o.out().flush();
      }
    }
  }

  private Open open(Path f) throws IOException {
    Open o = open.get(f);
    if (o == null) {
      Files.createDirectories(f.getParent());
      OutputStream out =
          new java.io.BufferedOutputStream(
              Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
              64 * 1024);
      o = new Open(out, new long[] {Files.size(f)});
      open.put(f, o);
    }
    return o;
  }

  private void rotate(Path f) throws IOException {
    Open o = open.remove(f);
    if (o != null) {
      o.out().close();
    }
    Files.deleteIfExists(generation(f, kept));
    for (int n = kept - 1; n >= 1; n--) {
      Path from = generation(f, n);
      if (Files.exists(from)) {
        Files.move(from, generation(f, n + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(f, generation(f, 1), StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    for (Open o : open.values()) {
      try {
        o.out().close();
      } catch (IOException e) {
        // Closing at shutdown: nothing left to do with the error.
      }
    }
    open.clear();
  }
}
