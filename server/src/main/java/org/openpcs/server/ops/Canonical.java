package org.openpcs.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A canonical JSON text (object keys sorted, nulls dropped) for request fingerprints. */
final class Canonical {
  private Canonical() {}

  static String json(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb);
    return sb.toString();
  }

  private static void write(JsonNode node, StringBuilder sb) {
    if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      Collections.sort(keys);
      sb.append('{');
      boolean first = true;
      for (String k : keys) {
        if (node.get(k).isNull()) {
          continue;
        }
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(k)).append(':');
        write(node.get(k), sb);
      }
      sb.append('}');
    } else if (node.isArray()) {
      sb.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(node.get(i), sb);
      }
      sb.append(']');
    } else {
      sb.append(node.toString());
    }
  }
}
