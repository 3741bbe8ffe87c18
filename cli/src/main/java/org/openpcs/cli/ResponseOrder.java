package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;

/**
 * Puts response members in the order of the output shape, as botocore's parser does, so that JSON
 * output lines up with the AWS CLI's whatever order the server wrote. Members the model does not
 * know (server extensions, {@code NextToken}) are kept after the known ones rather than dropped.
 */
final class ResponseOrder {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ServiceModel model;

  ResponseOrder(ServiceModel model) {
    this.model = model;
  }

  JsonNode apply(String shapeId, JsonNode value) {
    return shapeId == null ? value : order(model.shape(shapeId), value, 0);
  }

  private JsonNode order(Shape shape, JsonNode value, int depth) {
    if (depth > 32) {
      return value; // recursive shapes: deeper than any real response, leave as is
    }
    switch (shape.type()) {
      case "structure" -> {
        if (!value.isObject()) {
          return value;
        }
        ObjectNode out = JSON.objectNode();
        for (Map.Entry<String, Member> m : shape.members().entrySet()) {
          JsonNode v = value.get(m.getKey());
          if (v != null) {
            out.set(m.getKey(), order(model.shape(m.getValue().target()), v, depth + 1));
          }
        }
        value
            .fields()
            .forEachRemaining(
                e -> {
                  if (!out.has(e.getKey())) {
                    out.set(e.getKey(), e.getValue());
                  }
                });
        return out;
      }
      case "list", "set" -> {
        if (!value.isArray()) {
          return value;
        }
        Shape item = model.shape(shape.listMember().target());
        ArrayNode out = JSON.arrayNode();
        value.forEach(v -> out.add(order(item, v, depth + 1)));
        return out;
      }
      case "map" -> {
        if (!value.isObject()) {
          return value;
        }
        Shape item = model.shape(shape.mapValue().target());
        ObjectNode out = JSON.objectNode();
        value
            .fields()
            .forEachRemaining(e -> out.set(e.getKey(), order(item, e.getValue(), depth + 1)));
        return out;
      }
      default -> {
        return value;
      }
    }
  }
}
