package org.openpcs.server.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads one stream's records back from the files {@link RotatingFileDestination} writes, oldest
 * generation first. A position is the file's inode and a byte offset: rotation renames files, so
 * the inode follows the records into {@code .1}, {@code .2}, … and a reader resumes exactly where
 * it stopped; a file rotated away entirely resumes at the oldest file left.
 */
public final class LogReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path root;
  private final int kept;

  public LogReader(Path root, int kept) {
    this.root = root;
    this.kept = kept;
  }

  /** Where to resume: an opaque token for the client. */
  public record Position(long inode, long offset) {
    public String token() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((inode + ":" + offset).getBytes(StandardCharsets.US_ASCII));
    }

    /** Empty when the token was not made by {@link #token()}. */
    public static Optional<Position> parse(String token) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        String[] p = s.split(":", -1);
        if (p.length != 2) {
          return Optional.empty();
        }
        long inode = Long.parseLong(p[0]);
        long offset = Long.parseLong(p[1]);
        return offset < 0 ? Optional.empty() : Optional.of(new Position(inode, offset));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /** Records read and where to continue; {@code next} is empty when the stream has no file yet. */
  public record Page(List<JsonNode> records, Optional<Position> next) {}

  /**
   * Up to {@code limit} records after {@code from} (or from the oldest record kept), skipping
   * records whose {@code event_timestamp} is before {@code since}.
   */
  public Page read(String stream, LogType type, Position from, Instant since, int limit)
      throws IOException {
    Path current = RotatingFileDestination.file(root, stream, type);
    List<Path> files = new ArrayList<>();
    for (int n = kept; n >= 1; n--) {
      Path g = RotatingFileDestination.generation(current, n);
      if (Files.exists(g)) {
        files.add(g);
      }
    }
    if (Files.exists(current)) {
      files.add(current);
    }
    int start = 0;
    long offset = 0;
    if (from != null) {
      for (int i = 0; i < files.size(); i++) {
        Optional<Long> ino = inode(files.get(i));
        if (ino.isPresent() && ino.get() == from.inode()) {
          start = i;
          offset = from.offset();
          break;
        }
      }
    }
    List<JsonNode> out = new ArrayList<>();
    Position next = null;
    for (int i = start; i < files.size(); i++) {
      Path f = files.get(i);
      Optional<Long> ino = inode(f);
      if (ino.isEmpty()) {
        continue; // rotated away between listing and reading
      }
      long end = readFrom(f, i == start ? offset : 0, since, limit, out);
      next = new Position(ino.get(), end);
      if (out.size() >= limit) {
        break;
      }
    }
    if (next == null && from != null && files.isEmpty()) {
      next = from;
    }
    return new Page(out, Optional.ofNullable(next));
  }

  /** Reads whole lines from {@code offset}; returns the offset after the last line consumed. */
  private static long readFrom(Path f, long offset, Instant since, int limit, List<JsonNode> out)
      throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      if (offset > ch.size()) {
        offset = 0; // not our file any more (truncated or a reused inode): read it whole
      }
      ch.position(offset);
      InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long pos = offset;
      int b;
      while (out.size() < limit && (b = in.read()) >= 0) {
        if (b != '\n') {
          line.write(b);
          continue;
        }
        pos += line.size() + 1;
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        JsonNode record = parse(text);
        if (record != null && (since == null || !before(record, since))) {
          out.add(record);
        }
      }
      // A trailing partial line is being written: it is read next time, whole.
      return pos;
    } catch (NoSuchFileException e) {
      return offset;
    }
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean before(JsonNode record, Instant since) {
    JsonNode ts = record.get("event_timestamp");
    if (ts == null || !ts.isTextual()) {
      return false;
    }
    try {
      return Instant.parse(ts.asText()).isBefore(since);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Optional<Long> inode(Path f) {
    try {
      return Optional.of(((Number) Files.getAttribute(f, "unix:ino")).longValue());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }
}
