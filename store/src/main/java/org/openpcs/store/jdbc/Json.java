package org.openpcs.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON columns (spec, errorInfo, endpoints). A null value is stored as SQL NULL. */
final class Json {
  // Unknown properties are ignored so that rows written by a newer server (rolling upgrade) or
  // holding a field that was since removed from a record still load.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Json() {}

  static String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot store " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    return read(json, MAPPER.getTypeFactory().constructType(type));
  }

  static <T> T read(String json, TypeReference<T> type) {
    return read(json, MAPPER.getTypeFactory().constructType(type));
  }

  private static <T> T read(String json, JavaType type) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not a valid " + type, e);
    }
  }
}
