package org.openpcs.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration for PCS wire JSON. Server, client, CLI and tests all use it, so a
 * record serialises the same way everywhere.
 */
public final class PcsJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // Absent members stay absent: AWS SDKs treat an explicit null differently from absence
          // for some members, and the real service never sends nulls.
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          // Newer SDKs may send members this build does not know; the model says to ignore them.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Operations with empty outputs (DeleteClusterResponse, ...) are records without
          // components and must still serialise as {}.
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private PcsJson() {}

  /**
   * The shared mapper. It is configured once and shared by every thread; do not reconfigure it —
   * call {@code mapper().copy()} for a variant.
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact wire JSON of a record, map or tree. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** A value as a JSON object tree; fails if it does not serialise to an object. */
  public static ObjectNode tree(Object value) {
    JsonNode node = MAPPER.valueToTree(value);
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new IllegalArgumentException(
        "not a JSON object: " + (value == null ? "null" : value.getClass().getName()));
  }

  /** Binds a (validated) tree to a wire record. */
  public static <T> T fromTree(JsonNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot bind JSON to " + type.getSimpleName(), e);
    }
  }
}
