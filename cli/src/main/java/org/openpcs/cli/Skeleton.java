package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Shape;

/**
 * {@code --generate-cli-skeleton}: a template of a shape with every member present, using
 * botocore's placeholders ({@code ""}, 0, {@code true}, the first enum value, one list item, a
 * {@code KeyName} map entry), so that the output can be edited and fed back with {@code
 * --cli-input-json}.
 */
final class Skeleton {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ServiceModel model;
  // Shapes on the current path: a recursive shape is cut off instead of looping forever.
  private final Deque<String> stack = new ArrayDeque<>();

  Skeleton(ServiceModel model) {
    this.model = model;
  }

  JsonNode of(String shapeId) {
    return shapeId == null ? JSON.objectNode() : generate(model.shape(shapeId));
  }

  private JsonNode generate(Shape shape) {
    if (stack.contains(shape.id())) {
      return shape.isStructure() ? JSON.objectNode() : JSON.nullNode();
    }
    stack.push(shape.id());
    try {
      return switch (shape.type()) {
        case "structure", "union" -> {
          ObjectNode o = JSON.objectNode();
          shape.members().forEach((name, m) -> o.set(name, generate(model.shape(m.target()))));
          yield o;
        }
        case "list", "set" ->
            JSON.arrayNode().add(generate(model.shape(shape.listMember().target())));
        case "map" ->
            JSON.objectNode().set("KeyName", generate(model.shape(shape.mapValue().target())));
        case "enum" -> JSON.textNode(shape.enumValues().isEmpty() ? "" : shape.enumValues().get(0));
        case "integer", "long", "short", "byte", "intEnum", "bigInteger" -> JSON.numberNode(0);
        case "float", "double", "bigDecimal" -> JSON.numberNode(0.0);
        case "boolean" -> JSON.booleanNode(true);
        case "timestamp" -> JSON.textNode("1970-01-01T00:00:00");
        case "document" -> JSON.objectNode();
        default -> JSON.textNode("");
      };
    } finally {
      stack.pop();
    }
  }
}
