package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The AWS CLI's shorthand syntax ({@code key=value,list=[a,b],nested={k=v}}), parsed into untyped
 * JSON. Every scalar comes out as a string: only the target shape knows whether {@code 30} is a
 * number, so {@link ShapeCoercer} decides that afterwards, as awscli does.
 *
 * <p>The grammar follows awscli's {@code shorthand.py}: a value keeps going as an implicit list
 * ({@code a=b,c} gives {@code ["b","c"]}) until the next {@code key=}; single or double quotes keep
 * commas and brackets literal; {@code \,} is a literal comma in an unquoted value.
 */
final class ShorthandParser {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String input;
  private int pos;
  // Inside [..] or {..} a closing bracket ends an unquoted value; at the top level it is literal.
  private int depth;

  private ShorthandParser(String input) {
    this.input = input;
  }

  /** Parses {@code key=value[,key=value...]} into an object. */
  static ObjectNode parse(String input) {
    ShorthandParser p = new ShorthandParser(input);
    ObjectNode out = JSON.objectNode();
    p.keyValues(out);
    p.skipWhitespace();
    if (!p.atEnd()) {
      throw p.error(",");
    }
    return out;
  }

  private void keyValues(ObjectNode into) {
    do {
      skipWhitespace();
      String key = key();
      skipWhitespace();
      expect('=');
      skipWhitespace();
      into.set(key, values());
      skipWhitespace();
    } while (consume(','));
  }

  private String key() {
    int start = pos;
    while (!atEnd() && isKeyChar(peek())) {
      pos++;
    }
    if (pos == start) {
      throw error(!atEnd() && peek() == '=' ? "key" : "=");
    }
    return input.substring(start, pos);
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || "-_.#/:".indexOf(c) >= 0;
  }

  private JsonNode values() {
    if (atEnd()) {
      return TextNode.valueOf("");
    }
    return switch (peek()) {
      case '[' -> explicitList();
      case '{' -> hashLiteral();
      default -> csvValue();
    };
  }

  /** {@code b} or the implicit list {@code b,c,d}; stops before a comma that starts a key. */
  private JsonNode csvValue() {
    JsonNode first = scalar();
    skipWhitespace();
    ArrayNode list = JSON.arrayNode().add(first);
    while (!atEnd() && peek() == ',') {
      int comma = pos;
      pos++;
      skipWhitespace();
      if (atEnd() || startsKeyAssignment() || isOpeningOrClosing(peek())) {
        pos = comma; // backtrack: the comma separates key=value pairs, not list items
        break;
      }
      list.add(scalar());
      skipWhitespace();
    }
    return list.size() == 1 ? first : list;
  }

  private boolean isOpeningOrClosing(char c) {
    return c == '[' || c == '{' || (depth > 0 && (c == ']' || c == '}'));
  }

  private boolean startsKeyAssignment() {
    int i = pos;
    while (i < input.length() && isKeyChar(input.charAt(i))) {
      i++;
    }
    if (i == pos) {
      return false;
    }
    while (i < input.length() && Character.isWhitespace(input.charAt(i))) {
      i++;
    }
    return i < input.length() && input.charAt(i) == '=';
  }

  private JsonNode scalar() {
    if (atEnd()) {
      return TextNode.valueOf("");
    }
    char c = peek();
    if (c == '\'' || c == '"') {
      return TextNode.valueOf(quoted(c));
    }
    StringBuilder sb = new StringBuilder();
    while (!atEnd()) {
      c = peek();
      if (c == '\\' && pos + 1 < input.length() && input.charAt(pos + 1) == ',') {
        sb.append(',');
        pos += 2;
        continue;
      }
      if (c == ',' || (depth > 0 && (c == ']' || c == '}'))) {
        break;
      }
      sb.append(c);
      pos++;
    }
    return TextNode.valueOf(sb.toString().stripTrailing());
  }

  private String quoted(char quote) {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw error(String.valueOf(quote));
      }
      char c = input.charAt(pos++);
      if (c == '\\' && pos < input.length()) {
        char next = input.charAt(pos);
        if (next == quote || next == '\\') {
          sb.append(next);
          pos++;
          continue;
        }
      }
      if (c == quote) {
        return sb.toString();
      }
      sb.append(c);
    }
  }

  private ArrayNode explicitList() {
    expect('[');
    depth++;
    ArrayNode list = JSON.arrayNode();
    skipWhitespace();
    if (!consume(']')) {
      do {
        skipWhitespace();
        list.add(listElement());
        skipWhitespace();
      } while (consume(','));
      expect(']');
    }
    depth--;
    return list;
  }

  private JsonNode listElement() {
    if (atEnd()) {
      throw error("]");
    }
    return switch (peek()) {
      case '[' -> explicitList();
      case '{' -> hashLiteral();
      default -> scalar();
    };
  }

  private ObjectNode hashLiteral() {
    expect('{');
    depth++;
    ObjectNode obj = JSON.objectNode();
    skipWhitespace();
    if (!consume('}')) {
      keyValues(obj);
      skipWhitespace();
      expect('}');
    }
    depth--;
    return obj;
  }

  private boolean atEnd() {
    return pos >= input.length();
  }

  private char peek() {
    return input.charAt(pos);
  }

  private boolean consume(char c) {
    if (!atEnd() && peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error(String.valueOf(c));
    }
  }

  private void skipWhitespace() {
    while (!atEnd() && Character.isWhitespace(peek())) {
      pos++;
    }
  }

  /** awscli's message, with a caret under the position where parsing stopped. */
  private ShorthandException error(String expected) {
    String received = atEnd() ? "EOF" : String.valueOf(peek());
    return new ShorthandException(
        "Expected: '"
            + expected
            + "', received: '"
            + received
            + "' for input:\n"
            + input
            + "\n"
            + " ".repeat(pos)
            + "^");
  }

  /** Shorthand that does not parse; the message is awscli's, ready to print. */
  static final class ShorthandException extends RuntimeException {
    ShorthandException(String message) {
      super(message);
    }
  }
}
