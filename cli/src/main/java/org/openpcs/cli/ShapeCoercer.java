package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Shape;

/**
 * Gives untyped command-line text the types of its target shape: {@code "4"} becomes the number 4
 * for an integer member, a single value becomes a one-element list for a list member (awscli's
 * back-compat rule). Text that does not convert is left alone so that {@link ParamValidator}
 * reports it with the parameter's full path.
 */
final class ShapeCoercer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ServiceModel model;

  ShapeCoercer(ServiceModel model) {
    this.model = model;
  }

  JsonNode coerce(Shape shape, JsonNode value) {
    return switch (shape.type()) {
      case "structure" -> value.isObject() ? structure(shape, (ObjectNode) value) : value;
      case "list", "set" -> list(shape, value);
      case "map" -> value.isObject() ? map(shape, (ObjectNode) value) : value;
      default -> value.isTextual() ? scalar(shape, value.asText()).orElse(value) : value;
    };
  }

  /** A scalar from text; empty if the text is not a value of that type. */
  static Optional<JsonNode> scalar(Shape shape, String text) {
    String t = text.strip();
    try {
      return switch (shape.type()) {
        case "integer", "short", "byte", "intEnum" -> Optional.of(IntNode.valueOf(parseInt(t)));
        case "long", "bigInteger" -> Optional.of(LongNode.valueOf(Long.parseLong(t)));
        case "float", "double", "bigDecimal" -> Optional.of(DoubleNode.valueOf(parseDouble(t)));
        case "boolean" -> bool(t);
        default -> Optional.of(JSON.textNode(text));
      };
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static int parseInt(String t) {
    return Integer.parseInt(t.startsWith("+") ? t.substring(1) : t);
  }

  private static double parseDouble(String t) {
    double d = Double.parseDouble(t);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new NumberFormatException(t);
    }
    return d;
  }

  private static Optional<JsonNode> bool(String t) {
    if (t.equalsIgnoreCase("true")) {
      return Optional.of(BooleanNode.TRUE);
    }
    if (t.equalsIgnoreCase("false")) {
      return Optional.of(BooleanNode.FALSE);
    }
    return Optional.empty();
  }

  // Rebuilt in model order so that requests look the same however the user ordered the keys.
  private JsonNode structure(Shape shape, ObjectNode value) {
    ObjectNode out = JSON.objectNode();
    for (Map.Entry<String, ServiceModel.Member> m : shape.members().entrySet()) {
      JsonNode v = value.get(m.getKey());
      if (v != null) {
        out.set(m.getKey(), coerce(model.shape(m.getValue().target()), v));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!shape.members().containsKey(e.getKey())) {
        out.set(e.getKey(), e.getValue()); // unknown: the validator names it
      }
    }
    return out;
  }

  private JsonNode list(Shape shape, JsonNode value) {
    Shape member = model.shape(shape.listMember().target());
    ArrayNode out = JSON.arrayNode();
    if (value.isArray()) {
      value.forEach(v -> out.add(coerce(member, v)));
    } else {
      out.add(coerce(member, value));
    }
    return out;
  }

  private JsonNode map(Shape shape, ObjectNode value) {
    Shape valueShape = model.shape(shape.mapValue().target());
    ObjectNode out = JSON.objectNode();
    value.fields().forEachRemaining(e -> out.set(e.getKey(), coerce(valueShape, e.getValue())));
    return out;
  }
}
