package org.openpcs.provider.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/** Small file helpers: atomic JSON writes, recursive deletes, random hex ids. */
final class JsonFiles {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private JsonFiles() {}

  /** Writes {@code value} as JSON to a temp file beside {@code target}, then renames it. */
  static void write(Path target, Object value, String perms) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
      Files.write(tmp, MAPPER.writeValueAsBytes(value));
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  static <T> T read(Path file, Class<T> type) throws IOException {
    return MAPPER.readValue(Files.readAllBytes(file), type);
  }

  /** Deletes a tree without following symbolic links. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** {@code prefix} + {@code n} random lower-case hex digits. */
  static String hexId(String prefix, int n) {
    byte[] b = new byte[(n + 1) / 2];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b).substring(0, n);
  }
}
