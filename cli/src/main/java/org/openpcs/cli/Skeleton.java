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

  private final boolean useMemberNames;

  Skeleton(ServiceModel model, boolean useMemberNames) {
    this.model = model;
    this.useMemberNames = useMemberNames;
  }

  JsonNode of(String shapeId) {
    return shapeId == null ? JSON.objectNode() : generate(model.shape(shapeId), "");
  }

  private JsonNode generate(Shape shape, String name) {
    if (stack.contains(shape.id())) {
      return shape.isStructure() ? JSON.objectNode() : JSON.nullNode();
    }
    stack.push(shape.id());
    try {
      return switch (shape.type()) {
        case "structure", "union" -> {
          ObjectNode o = JSON.objectNode();
          shape
              .members()
              .forEach((member, m) -> o.set(member, generate(model.shape(m.target()), member)));
          yield o;
        }
        case "list", "set" -> {
          Shape item = model.shape(shape.listMember().target());
          yield JSON.arrayNode().add(generate(item, item.simpleName()));
        }
        case "map" ->
            JSON.objectNode().set("KeyName", generate(model.shape(shape.mapValue().target()), ""));
        case "enum" ->
            JSON.textNode(
                useMemberNames || shape.enumValues().isEmpty() ? name : shape.enumValues().get(0));
        case "integer", "long", "short", "byte", "intEnum", "bigInteger" -> JSON.numberNode(0);
        case "float", "double", "bigDecimal" -> JSON.numberNode(0.0);
        case "boolean" -> JSON.booleanNode(true);
        case "timestamp" -> JSON.textNode("1970-01-01T00:00:00");
        case "document" -> JSON.objectNode();
        default -> JSON.textNode(useMemberNames ? name : "");
      };
    } finally {
      stack.pop();
    }
  }
}
