package org.openpcs.server.logs;

import java.net.URI;

/**
 * How the server delivers logs. Files under the data dir are always written: {@code openpcs logs}
 * reads them. {@code stdout} and {@code httpUrl} add destinations; {@code bufferRecords} bounds
 * each destination's queue.
 */
public record LogOptions(
    boolean stdout, URI httpUrl, int bufferRecords, long maxFileBytes, int keptFiles) {
  public static final int DEFAULT_BUFFER_RECORDS = 10_000;
  public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
  public static final int DEFAULT_KEPT_FILES = 5;

  public LogOptions {
    if (bufferRecords < 1) {
      throw new IllegalArgumentException("the log buffer must hold at least one record");
    }
    if (maxFileBytes < 1024 || keptFiles < 1) {
      throw new IllegalArgumentException("log files must be at least 1 KiB, keeping at least 1");
    }
    if (httpUrl != null
        && !("http".equals(httpUrl.getScheme()) || "https".equals(httpUrl.getScheme()))) {
      throw new IllegalArgumentException("the log HTTP URL must be http:// or https://");
    }
  }

  public static LogOptions defaults() {
    return new LogOptions(
        false, null, DEFAULT_BUFFER_RECORDS, DEFAULT_MAX_FILE_BYTES, DEFAULT_KEPT_FILES);
  }
}
