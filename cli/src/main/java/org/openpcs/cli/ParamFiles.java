package org.openpcs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * {@code file://path} and {@code fileb://path} parameter values, as the AWS CLI reads them: the
 * file's text (or, for fileb, its bytes in base64) replaces the value, unchanged, before any
 * parsing. {@code ~} is the user's home.
 */
final class ParamFiles {
  private final Path home;

  ParamFiles(Path home) {
    this.home = home;
  }

  String resolve(String value, String optionName) {
    boolean text = value.startsWith("file://");
    if (!text && !value.startsWith("fileb://")) {
      return value;
    }
    String location = value.substring(text ? 7 : 8);
    Path path =
        location.equals("~") || location.startsWith("~/")
            ? home.resolve(location.substring(Math.min(2, location.length())))
            : Path.of(location);
    try {
      byte[] bytes = Files.readAllBytes(path);
      return text
          ? new String(bytes, StandardCharsets.UTF_8)
          : Base64.getEncoder().encodeToString(bytes);
    } catch (IOException | RuntimeException e) {
      throw CliFailure.param(
          "Error parsing parameter '"
              + optionName
              + "': Unable to load paramfile "
              + value
              + ": "
              + describe(e, path));
    }
  }

  private static String describe(Exception e, Path path) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "[Errno 2] No such file or directory: '" + path + "'";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "Permission denied: '" + path + "'";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
