package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.ServiceModel.Traits;

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
    check(input, input.traits(), request, "", errors);
    return errors;
  }

  /** {@code traits}: the member's effective traits, where length and range minimums live. */
  private void check(Shape shape, Traits traits, JsonNode value, String path, List<String> errors) {
    switch (shape.type()) {
      case "structure" -> {
        if (expect(value.isObject(), value, path, "object", errors)) {
          structure(shape, value, path, errors);
        }
      }
      case "list", "set" -> {
        if (expect(value.isArray(), value, path, "list", errors)) {
          minLength(traits, value.size(), path, errors);
          Member item = shape.listMember();
          for (int i = 0; i < value.size(); i++) {
            check(
                model.shape(item.target()),
                model.effectiveTraits(item),
                value.get(i),
                path + "[" + i + "]",
                errors);
          }
        }
      }
      case "map" -> {
        if (expect(value.isObject(), value, path, "map", errors)) {
          Member item = shape.mapValue();
          value
              .fields()
              .forEachRemaining(
                  e ->
                      check(
                          model.shape(item.target()),
                          model.effectiveTraits(item),
                          e.getValue(),
                          path + "." + e.getKey(),
                          errors));
        }
      }
      case "string", "enum" -> {
        if (expect(value.isTextual(), value, path, "string", errors)) {
          minLength(
              traits, value.asText().codePointCount(0, value.asText().length()), path, errors);
        }
      }
      case "blob", "timestamp" -> expect(value.isTextual(), value, path, "string", errors);
      case "integer", "long", "short", "byte", "intEnum", "bigInteger" -> {
        if (expect(value.isIntegralNumber(), value, path, "integer", errors)) {
          minValue(traits, value, path, errors);
        }
      }
      case "float", "double", "bigDecimal" -> {
        if (expect(value.isNumber(), value, path, "number", errors)) {
          minValue(traits, value, path, errors);
        }
      }
      case "boolean" -> expect(value.isBoolean(), value, path, "boolean", errors);
      default -> {} // document and anything newer: whatever JSON the user wrote
    }
  }

  private static void minLength(Traits traits, int length, String path, List<String> errors) {
    traits
        .lengthMin()
        .filter(min -> length < min)
        .ifPresent(
            min ->
                errors.add(
                    "Invalid length for parameter "
                        + path
                        + ", value: "
                        + length
                        + ", valid min length: "
                        + min));
  }

  private static void minValue(Traits traits, JsonNode value, String path, List<String> errors) {
    traits
        .rangeMin()
        .filter(min -> value.decimalValue().compareTo(java.math.BigDecimal.valueOf(min)) < 0)
        .ifPresent(
            min ->
                errors.add(
                    "Invalid value for parameter "
                        + path
                        + ", value: "
                        + value.asText()
                        + ", valid min value: "
                        + min));
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
                check(
                    model.shape(m.target()), model.effectiveTraits(m), e.getValue(), child, errors);
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
