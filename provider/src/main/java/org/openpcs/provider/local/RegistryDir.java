package org.openpcs.provider.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A directory of JSON registry entries ({@code lt-*.json}, {@code ami-*.json}) that other processes
 * may change while the server runs ({@code openpcs launch-templates create}): it is re-read
 * whenever a file in it is newer than what was loaded.
 */
final class RegistryDir<T> {
  private final Path dir;
  private final String glob;
  private final Class<T> type;
  private final Function<T, String> id;
  private final Pattern idPattern;
  private long loadedAt = -1;

  RegistryDir(Path dir, String glob, Class<T> type, Function<T, String> id, Pattern idPattern) {
    this.dir = dir;
    this.glob = glob;
    this.type = type;
    this.id = id;
    this.idPattern = idPattern;
  }

  /** Loads into {@code into} when the directory changed; returns whether it did. */
  boolean refresh(Map<String, T> into) {
    try {
      long newest = Files.getLastModifiedTime(dir).toMillis();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
        for (Path f : files) {
          newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
        }
      }
      if (newest <= loadedAt) {
        return false;
      }
      Map<String, T> loaded = new TreeMap<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
        for (Path f : files) {
          T entry = JsonFiles.read(f, type);
          String key = id.apply(entry);
          if (key == null || !idPattern.matcher(key).matches()) {
            throw new IllegalArgumentException(f + ": not a valid registry entry");
          }
          loaded.put(key, entry);
        }
      }
      loadedAt = newest;
      into.clear();
      into.putAll(loaded);
      return true;
    } catch (IOException e) {
      // keep what we know; the next look tries again
      return false;
    }
  }
}
