package org.openpcs.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads an awsJson1_0 error response the way the AWS SDKs do. */
final class ErrorResponses {
  private ErrorResponses() {}

  static PcsClientException from(
      int status, HttpHeaders headers, byte[] body, ObjectMapper mapper) {
    JsonNode node = parse(body, mapper);
    String type =
        text(node, "__type")
            .or(() -> headers.firstValue("x-amzn-ErrorType"))
            .or(() -> text(node, "code"))
            .map(ErrorResponses::bareType)
            .filter(t -> !t.isEmpty())
            .orElse("UnknownError");
    String message =
        text(node, "message")
            .or(() -> text(node, "Message"))
            .orElseGet(() -> fallbackMessage(status, node, body));
    String requestId = headers.firstValue("x-amzn-RequestId").orElse(null);
    return new PcsClientException(type, message, status, node, requestId);
  }

  /**
   * {@code com.amazonaws.pcs#ConflictException:http://...} → {@code ConflictException}: the
   * awsJson1_0 rule is to drop everything from the first ':' and up to the first '#'.
   */
  static String bareType(String raw) {
    String t = raw;
    int colon = t.indexOf(':');
    if (colon >= 0) {
      t = t.substring(0, colon);
    }
    int hash = t.indexOf('#');
    if (hash >= 0) {
      t = t.substring(hash + 1);
    }
    return t.strip();
  }

  private static JsonNode parse(byte[] body, ObjectMapper mapper) {
    if (body == null || body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = mapper.readTree(body);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  // A proxy's HTML or plain-text error page is still the best explanation there is.
  private static String fallbackMessage(int status, JsonNode node, byte[] body) {
    if (node.isMissingNode() && body != null && body.length > 0) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      return "HTTP " + status + ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }
    return "HTTP " + status;
  }
}
