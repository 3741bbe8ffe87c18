package org.openpcs.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response to send: status, extra headers and a body. */
public record RawResponse(int status, Map<String, String> headers, byte[] body) {
  public static final String AMZ_JSON = "application/x-amz-json-1.0";

  public static RawResponse json(
      int status, String requestId, String body, Map<String, String> extra) {
    var headers = new java.util.LinkedHashMap<String, String>();
    headers.put("Content-Type", AMZ_JSON);
    headers.put("x-amzn-RequestId", requestId);
    headers.putAll(extra);
    return new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }
}
