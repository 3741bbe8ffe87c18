package org.openpcs.server.logs;

import java.util.Objects;

/**
 * One log record: a JSON object, already serialised once by its producer so destinations only copy
 * bytes. {@code stream} is the cluster id the record belongs to, or {@link #SERVER_STREAM} for
 * records about no cluster (ListClusters, failed authentication).
 */
public record LogRecord(String stream, LogType type, String json) {
  public static final String SERVER_STREAM = "_server";

  public LogRecord {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(type, "type");
    if (json == null || !json.startsWith("{") || json.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a log record is one JSON object on one line");
    }
  }

  /**
   * The record with its stream and type added in front, for destinations that mix every stream into
   * one flow (stdout, a log store): {@code {"log_stream":..,"log_type":..,...}}.
   */
  public String tagged() {
    String head =
        "{\"log_stream\":\""
            + stream.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"log_type\":\""
            + type.wireName()
            + "\"";
    return json.length() == 2 ? head + "}" : head + "," + json.substring(1);
  }
}
