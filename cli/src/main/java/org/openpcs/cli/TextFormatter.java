package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * {@code --output text}, a port of awscli's {@code text.py}: each object's scalar values on one
 * tab-separated line in key order, nested lists and objects on following lines prefixed with their
 * key in upper case. Made for {@code cut} and {@code awk}.
 */
final class TextFormatter {
  private final StringBuilder out = new StringBuilder();

  private TextFormatter() {}

  static String format(JsonNode response) {
    TextFormatter f = new TextFormatter();
    f.item(response, null, null);
    return f.out.toString();
  }

  private void item(JsonNode node, String identifier, List<String> scalarKeys) {
    if (node.isObject()) {
      object(node, identifier, scalarKeys);
    } else if (node.isArray()) {
      list(node, identifier);
    } else {
      out.append(OutputFormatter.scalar(node)).append('\n');
    }
  }

  private void list(JsonNode node, String identifier) {
    if (node.isEmpty()) {
      return;
    }
    List<JsonNode> elements = new ArrayList<>();
    node.forEach(elements::add);
    if (elements.stream().anyMatch(JsonNode::isObject)) {
      List<String> keys = allScalarKeys(elements);
      elements.forEach(e -> item(e, identifier, keys));
    } else if (elements.stream().anyMatch(JsonNode::isArray)) {
      List<JsonNode> scalars = elements.stream().filter(OutputFormatter::isScalar).toList();
      if (!scalars.isEmpty()) {
        scalarList(scalars, identifier);
      }
      elements.stream().filter(JsonNode::isContainerNode).forEach(e -> item(e, identifier, null));
    } else {
      scalarList(elements, identifier);
    }
  }

  private void scalarList(List<JsonNode> elements, String identifier) {
    if (identifier != null) {
      for (JsonNode e : elements) {
        out.append(identifier.toUpperCase(Locale.ROOT))
            .append('\t')
            .append(OutputFormatter.scalar(e))
            .append('\n');
      }
    } else {
      out.append(String.join("\t", elements.stream().map(OutputFormatter::scalar).toList()))
          .append('\n');
    }
  }

  private void object(JsonNode node, String identifier, List<String> scalarKeys) {
    List<String> scalars = new ArrayList<>();
    List<String> nonScalarKeys = new ArrayList<>();
    if (scalarKeys == null) {
      for (String key : new TreeSet<>(fieldNames(node))) {
        if (node.get(key).isContainerNode()) {
          nonScalarKeys.add(key);
        } else {
          scalars.add(OutputFormatter.scalar(node.get(key)));
        }
      }
    } else {
      // In a list of objects every line gets the same columns, blank where an item lacks one.
      for (String key : scalarKeys) {
        scalars.add(node.has(key) ? OutputFormatter.scalar(node.get(key)) : "");
      }
      TreeSet<String> rest = new TreeSet<>(fieldNames(node));
      rest.removeAll(scalarKeys);
      nonScalarKeys.addAll(rest);
    }
    if (!scalars.isEmpty()) {
      if (identifier != null) {
        scalars.add(0, identifier.toUpperCase(Locale.ROOT));
      }
      out.append(String.join("\t", scalars)).append('\n');
    }
    for (String key : nonScalarKeys) {
      item(node.get(key), key, null);
    }
  }

  private static List<String> allScalarKeys(List<JsonNode> elements) {
    TreeSet<String> keys = new TreeSet<>();
    for (JsonNode e : elements) {
      e.fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isContainerNode()) {
                  keys.add(f.getKey());
                }
              });
    }
    return List.copyOf(keys);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
