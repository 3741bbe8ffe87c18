package org.openpcs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/** Renders a response as the AWS CLI does for {@code --output json|table|text}. */
final class OutputFormatter {
  static final List<String> FORMATS = List.of("json", "table", "text");

  // Python's json.dumps(indent=4): 4-space indents, "key": value, [] and {} when empty.
  private static final ObjectWriter PRETTY;

  static {
    DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    PRETTY = new ObjectMapper().writer(printer);
  }

  private OutputFormatter() {}

  /**
   * The text to print for a response, ending in a newline, or "" when there is nothing to show: the
   * AWS CLI prints nothing at all for an empty response such as DeleteCluster's {@code {}}.
   */
  static String format(String format, String operationName, JsonNode response, int width) {
    if (response == null || response.isMissingNode() || isEmptyObject(response)) {
      return "";
    }
    return switch (format) {
      case "table" -> TableFormatter.format(operationName, response, width);
      case "text" -> text(response);
      default -> json(response) + "\n";
    };
  }

  // awscli prints the resume token of a paginated listing as its own NEXTTOKEN line at the end.
  private static String text(JsonNode response) {
    JsonNode token = response.get(Paginator.NEXT_TOKEN);
    if (token == null || !response.isObject()) {
      return TextFormatter.format(response);
    }
    ObjectNode rest = ((ObjectNode) response).deepCopy();
    rest.remove(Paginator.NEXT_TOKEN);
    return TextFormatter.format(rest) + "NEXTTOKEN\t" + token.asText() + "\n";
  }

  static String json(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isEmptyObject(JsonNode n) {
    return n.isObject() && n.isEmpty();
  }

  /** A scalar the way Python's {@code str()} prints it, which both table and text use. */
  static String scalar(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "None";
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    return v.asText();
  }

  static boolean isScalar(JsonNode v) {
    return !v.isContainerNode();
  }
}
