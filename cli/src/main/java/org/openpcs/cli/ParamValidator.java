package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;

/**
 * The client-side checks botocore makes before sending: required members, unknown members and JSON
 * types, with botocore's wording ("Missing required parameter in scheduler: \"version\""). Lengths,
 * patterns and ranges are left to the server, which knows the whole contract.
 */
final class ParamValidator {
  private final ServiceModel model;

  ParamValidator(ServiceModel model) {
    this.model = model;
  }

  /** Every problem found; empty when the request may be sent. */
  List<String> validate(Shape input, JsonNode request) {
    List<String> errors = new ArrayList<>();
    check(input, request, "", errors);
    return errors;
  }

  private void check(Shape shape, JsonNode value, String path, List<String> errors) {
    switch (shape.type()) {
      case "structure" -> {
        if (expect(value.isObject(), value, path, "object", errors)) {
          structure(shape, value, path, errors);
        }
      }
      case "list", "set" -> {
        if (expect(value.isArray(), value, path, "list", errors)) {
          Shape member = model.shape(shape.listMember().target());
          for (int i = 0; i < value.size(); i++) {
            check(member, value.get(i), path + "[" + i + "]", errors);
          }
        }
      }
      case "map" -> {
        if (expect(value.isObject(), value, path, "map", errors)) {
          Shape valueShape = model.shape(shape.mapValue().target());
          value
              .fields()
              .forEachRemaining(
                  e -> check(valueShape, e.getValue(), path + "." + e.getKey(), errors));
        }
      }
      case "string", "enum", "blob", "timestamp" ->
          expect(value.isTextual(), value, path, "string", errors);
      case "integer", "long", "short", "byte", "intEnum", "bigInteger" ->
          expect(value.isIntegralNumber(), value, path, "integer", errors);
      case "float", "double", "bigDecimal" ->
          expect(value.isNumber(), value, path, "number", errors);
      case "boolean" -> expect(value.isBoolean(), value, path, "boolean", errors);
      default -> {} // document and anything newer: whatever JSON the user wrote
    }
  }

  private void structure(Shape shape, JsonNode value, String path, List<String> errors) {
    String where = path.isEmpty() ? "input" : path;
    for (Map.Entry<String, Member> m : shape.members().entrySet()) {
      if (model.effectiveTraits(m.getValue()).required() && !value.has(m.getKey())) {
        errors.add("Missing required parameter in " + where + ": \"" + m.getKey() + "\"");
      }
    }
    value
        .fields()
        .forEachRemaining(
            e -> {
              Member m = shape.members().get(e.getKey());
              if (m == null) {
                errors.add(
                    "Unknown parameter in "
                        + where
                        + ": \""
                        + e.getKey()
                        + "\", must be one of: "
                        + String.join(", ", shape.members().keySet()));
              } else {
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                check(model.shape(m.target()), e.getValue(), child, errors);
              }
            });
  }

  private static boolean expect(
      boolean ok, JsonNode value, String path, String validType, List<String> errors) {
    if (!ok) {
      errors.add(
          "Invalid type for parameter "
              + (path.isEmpty() ? "input" : path)
              + ", value: "
              + (value.isTextual() ? value.asText() : value.toString())
              + ", type: "
              + jsonType(value)
              + ", valid types: "
              + validType);
    }
    return ok;
  }

  private static String jsonType(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isArray()) {
      return "list";
    }
    if (v.isObject()) {
      return "object";
    }
    return "null";
  }
}
