package org.openpcs.server.http;

import java.util.List;
import java.util.Map;

/** An HTTP request as received, before anything is trusted. */
public record RawRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body,
    String remote) {

  /** First value of a header, names compared case-insensitively. */
  public String header(String name) {
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
