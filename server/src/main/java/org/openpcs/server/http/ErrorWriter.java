package org.openpcs.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.openpcs.api.PcsJson;
import org.openpcs.api.error.PcsException;
import org.openpcs.api.error.ThrottlingException;

/** The one place where errors become wire responses: {@code {"__type", "message", ...extras}}. */
final class ErrorWriter {
  private ErrorWriter() {}

  static RawResponse write(PcsException e, String requestId) {
    ObjectNode body = PcsJson.mapper().createObjectNode();
    body.put("__type", e.errorType());
    body.put("message", e.getMessage());
    e.extraMembers().forEach((k, v) -> body.set(k, PcsJson.mapper().valueToTree(v)));
    Map<String, String> extra = Map.of();
    if (e instanceof ThrottlingException t && t.retryAfterSeconds() != null) {
      extra = Map.of("Retry-After", String.valueOf(t.retryAfterSeconds()));
    }
    // Some AWS clients read the error code from this header instead of the body.
    var headers = new java.util.LinkedHashMap<String, String>(extra);
    headers.put("x-amzn-ErrorType", e.errorType());
    return RawResponse.json(e.httpStatus(), requestId, PcsJson.toJson(body), headers);
  }
}
