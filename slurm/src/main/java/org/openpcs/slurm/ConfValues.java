package org.openpcs.slurm;

import java.util.regex.Pattern;

/**
 * The last line of defence against config injection. The domain validates custom settings against
 * allowlists; this class re-checks every value that is written into a Slurm file, because one stray
 * character changes the file's shape: a line break starts a new parameter, '#' starts a comment, a
 * backslash escapes or continues a line (Slurm's parser joins a line ending in '\' with the next
 * one), a blank starts another {@code Key=Value} pair, and quotes change tokenising.
 */
final class ConfValues {
  private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");

  /** Names, addresses, features, absolute paths: nothing that Slurm could read as syntax. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@/+-]{1,255}");

  /** Cluster, node and partition names and features; also safe as one path component. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ConfValues() {}

  static String key(String what, String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(what + ": invalid parameter name" + describe(key));
    }
    return key;
  }

  static String token(String what, String value) {
    guard(what, value);
    if (!TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + ": only letters, digits and ._:@/+- are allowed" + describe(value));
    }
    return value;
  }

  static String name(String what, String value) {
    guard(what, value);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + ": must start with a letter or digit and use only letters, digits and ._-"
              + describe(value));
    }
    return value;
  }

  /** A parameter value: printable ASCII without blanks, quotes, backslash or '#'. */
  static String value(String what, String value) {
    guard(what, value);
    if (value.isEmpty() || value.length() > 1024) {
      throw new IllegalArgumentException(what + ": value must have 1 to 1024 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch <= ' ' || ch > '~' || ch == '"' || ch == '\'' || ch == '\\') {
        throw new IllegalArgumentException(
            what + ": value contains a blank, quote, backslash or non-printable character");
      }
    }
    return value;
  }

  /**
   * A value on a line shared by several {@code Key=Value} pairs (NodeName, PartitionName): an '='
   * there could be read as a second pair by a future parser, so it is refused as well.
   */
  static String sharedLineValue(String what, String value) {
    value(what, value);
    if (value.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          what + ": '=' is not allowed in a node or partition value");
    }
    return value;
  }

  /** A TCP port: a number is no injection vector, but out of range it stops the daemon. */
  static int port(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + ": must be between 1 and 65535");
    }
    return port;
  }

  static int positive(String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + ": must be positive");
    }
    return value;
  }

  /** Line breaks and '#' are named explicitly: they are the classic injection vectors. */
  private static void guard(String what, String value) {
    if (value == null) {
      throw new IllegalArgumentException(what + ": value is missing");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\n' || ch == '\r' || ch == '\u0085' || ch == '\u2028' || ch == '\u2029') {
        throw new IllegalArgumentException(what + ": value contains a line break");
      }
      if (ch == '#') {
        throw new IllegalArgumentException(what + ": value contains '#'");
      }
    }
  }

  /** Quotes a short, escaped form of a rejected value for the message (never a raw line break). */
  private static String describe(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (\"");
    value
        .codePoints()
        .limit(64)
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7f && cp != '"') {
                sb.appendCodePoint(cp);
              } else {
                sb.append(String.format("\\u%04x", cp));
              }
            });
    return sb.append(value.length() > 64 ? "...\")" : "\")").toString();
  }
}
