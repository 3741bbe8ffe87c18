package org.openpcs.api.auth;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SigV4 canonical request. Signer and verifier both build it here so that they cannot drift
 * apart; the rules follow the AWS SDK for Java's {@code V4CanonicalRequest} for non-S3 services
 * (path normalised and encoded a second time, query decoded then re-encoded and sorted).
 */
final class CanonicalRequest {
  private CanonicalRequest() {}

  /**
   * @param headers lower-case header names to their values, in the order they are signed
   */
  static String build(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      String payloadHash) {
    StringBuilder sb = new StringBuilder(512);
    sb.append(method).append('\n');
    sb.append(uri(rawPath)).append('\n');
    sb.append(query(rawQuery)).append('\n');
    headers.forEach(
        (name, values) -> sb.append(name).append(':').append(headerValue(values)).append('\n'));
    sb.append('\n');
    sb.append(String.join(";", headers.keySet())).append('\n');
    sb.append(payloadHash);
    return sb.toString();
  }

  static String uri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String path = normalize(rawPath);
    if (path == null || path.isEmpty()) {
      return "/";
    }
    // Non-S3 services sign the already-encoded path encoded once more ("double encoding").
    path = encode(path, true);
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    // Dot-segment removal can leave a trailing slash the request did not have ("/a/." -> "/a/").
    if (path.length() > 1 && path.endsWith("/") && !rawPath.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  static String query(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    TreeMap<String, List<String>> params = new TreeMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.isEmpty()) {
        continue;
      }
      params.computeIfAbsent(encode(name, false), k -> new ArrayList<>()).add(encode(value, false));
    }
    StringBuilder sb = new StringBuilder();
    params.forEach(
        (name, values) -> {
          values.sort(null);
          for (String v : values) {
            if (!sb.isEmpty()) {
              sb.append('&');
            }
            sb.append(name).append('=').append(v);
          }
        });
    return sb.toString();
  }

  /** Values trimmed, inner whitespace runs collapsed to one space, repeated headers joined. */
  static String headerValue(List<String> values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      appendTrimmed(sb, values.get(i));
    }
    return sb.toString();
  }

  private static void appendTrimmed(StringBuilder sb, String value) {
    if (value == null) {
      return;
    }
    boolean pendingSpace = false;
    boolean any = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isWhitespace(c)) {
        pendingSpace = any;
      } else {
        if (pendingSpace) {
          sb.append(' ');
          pendingSpace = false;
        }
        sb.append(c);
        any = true;
      }
    }
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\r' || c == '\f';
  }

  /**
   * Dot segments and redundant slashes removed exactly as the AWS SDK for Java does it (through
   * {@link URI#normalize()}), since that is what SDK clients sign.
   */
  private static String normalize(String rawPath) {
    try {
      return new URI("http://h" + rawPath).normalize().getRawPath();
    } catch (URISyntaxException e) {
      return rawPath;
    }
  }

  /** AWS URI encoding: everything but {@code A-Za-z0-9-_.~} as upper-case %XX of UTF-8. */
  static String encode(String s, boolean keepSlash) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Percent-decoding that leaves malformed escapes as they are rather than failing. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        out.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.writeBytes(bytes);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
