package org.openpcs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Operation;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.ServiceModel.Traits;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;

/**
 * Checks a request body against everything the Smithy model states about the operation's input:
 * required members, JSON types, enums, {@code @length}, {@code @pattern} and {@code @range}, at
 * every depth. It reports every problem at once (AWS clients show the whole list) in AWS's classic
 * wording, {@code Value 'x' at 'path' failed to satisfy constraint: Member must ...}.
 *
 * <p>Members the model does not know are ignored, because newer SDKs may send them; a JSON null is
 * treated as an absent member, as AWS SDKs do. Thread-safe.
 */
public final class ShapeValidator {
  /** Field name used when the body as a whole is wrong (not an object, or input not allowed). */
  public static final String BODY = "body";

  private static final int ECHO_LIMIT = 100;
  private static final String MEMBER = "Member";
  private static final String MAP_KEY = "Map key";

  private final ServiceModel model;
  // Patterns come from the model, a few dozen at most; compiling once keeps validation cheap.
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  public ShapeValidator(ServiceModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * Every problem of {@code input} as a request of {@code operationName}; empty when valid.
   *
   * @throws IllegalArgumentException if the model has no such operation (the caller should have
   *     answered {@code unknownOperation} before validating)
   */
  public List<Field> validate(String operationName, JsonNode input) {
    Operation op =
        model
            .operation(operationName)
            .orElseThrow(() -> new IllegalArgumentException("unknown operation " + operationName));
    // An empty HTTP body and a literal null both mean "no members".
    boolean empty = input == null || input.isMissingNode() || input.isNull();
    String inputShape = op.inputShape();
    if (inputShape == null || inputShape.equals("smithy.api#Unit")) {
      return empty || (input.isObject() && input.isEmpty())
          ? List.of()
          : List.of(new Field(BODY, "Operation " + operationName + " takes no input; send {}"));
    }
    if (!empty && !input.isObject()) {
      return List.of(new Field(BODY, "The request body must be a JSON object"));
    }
    Walk walk = new Walk();
    walk.structure("", model.shape(inputShape), empty ? null : input, false);
    return List.copyOf(walk.problems);
  }

  /** Throws a {@code fieldValidationFailed} {@link ValidationException} naming every problem. */
  public void check(String operationName, JsonNode input) {
    List<Field> problems = validate(operationName, input);
    if (!problems.isEmpty()) {
      throw ValidationException.ofFields(problems);
    }
  }

  /** Validates any value against any shape; lets tests reach shapes no operation input uses. */
  List<Field> validateShape(String shapeId, JsonNode value) {
    Shape shape = model.shape(shapeId);
    Walk walk = new Walk();
    walk.value("", shape, shape.traits(), value, shape.traits().sensitive());
    return List.copyOf(walk.problems);
  }

  /** One validation pass; collects problems in model order. */
  private final class Walk {
    final List<Field> problems = new ArrayList<>();

    /** {@code object} may be null: absent structures still report their required members. */
    void structure(String path, Shape shape, JsonNode object, boolean sensitive) {
      for (Member m : shape.members().values()) {
        JsonNode v = object == null ? null : object.get(m.name());
        String p = path.isEmpty() ? m.name() : path + "." + m.name();
        Traits traits = model.effectiveTraits(m);
        if (v == null || v.isNull()) {
          if (traits.required()) {
            fail(p, null, false, MEMBER + " must not be null");
          }
        } else {
          value(p, model.shape(m.target()), traits, v, sensitive || traits.sensitive());
        }
      }
    }

    void value(String path, Shape shape, Traits traits, JsonNode v, boolean sensitive) {
      switch (shape.type()) {
        case "string" -> {
          if (v.isTextual()) {
            string(path, MEMBER, traits, v, sensitive);
          } else {
            fail(path, v, sensitive, "Member must be a string");
          }
        }
        case "enum" -> enumValue(path, MEMBER, shape, v, sensitive);
        case "byte", "short", "integer", "intEnum", "long", "bigInteger" ->
            integral(path, shape.type(), traits, v, sensitive);
        case "float", "double", "bigDecimal" -> {
          if (v.isNumber() && (v.isBigDecimal() || Double.isFinite(v.doubleValue()))) {
            range(path, traits, v.decimalValue(), v, sensitive);
          } else {
            fail(path, v, sensitive, "Member must be a number");
          }
        }
        case "boolean" -> expect(v.isBoolean(), path, v, sensitive, "Member must be a boolean");
        case "blob" -> expect(v.isTextual(), path, v, sensitive, "Member must be a base64 string");
        case "timestamp" -> timestamp(path, traits, v, sensitive);
        case "list", "set" -> list(path, shape, traits, v, sensitive);
        case "map" -> map(path, shape, traits, v, sensitive);
        case "structure" -> {
          if (v.isObject()) {
            structure(path, shape, v, sensitive);
          } else {
            fail(path, v, sensitive, "Member must be a structure");
          }
        }
        case "union" -> union(path, shape, v, sensitive);
        default -> {
          // document and any future type: the model states nothing we could check.
        }
      }
    }

    void string(String path, String subject, Traits traits, JsonNode v, boolean sensitive) {
      String s = v.asText();
      length(path, subject, traits, s.codePointCount(0, s.length()), v, sensitive);
      Optional<String> pattern = traits.pattern();
      if (pattern.isPresent()
          && !patterns.computeIfAbsent(pattern.get(), Pattern::compile).matcher(s).find()) {
        fail(
            path,
            v,
            sensitive,
            subject + " must satisfy regular expression pattern: " + pattern.get());
      }
    }

    void enumValue(String path, String subject, Shape shape, JsonNode v, boolean sensitive) {
      if (!v.isTextual() || !shape.enumValues().contains(v.asText())) {
        fail(path, v, sensitive, subject + " must satisfy enum value set: " + shape.enumValues());
      }
    }

    void length(
        String path, String subject, Traits traits, long length, JsonNode v, boolean sensitive) {
      traits
          .lengthMin()
          .filter(min -> length < min)
          .ifPresent(
              min ->
                  fail(
                      path,
                      v,
                      sensitive,
                      subject + " must have length greater than or equal to " + min));
      traits
          .lengthMax()
          .filter(max -> length > max)
          .ifPresent(
              max ->
                  fail(
                      path,
                      v,
                      sensitive,
                      subject + " must have length less than or equal to " + max));
    }

    void integral(String path, String type, Traits traits, JsonNode v, boolean sensitive) {
      Optional<BigInteger> n = integralValue(v);
      if (n.isEmpty() || !fits(type, n.get())) {
        fail(path, v, sensitive, "Member must be " + typeNoun(type));
        return;
      }
      range(path, traits, new BigDecimal(n.get()), v, sensitive);
    }

    void range(String path, Traits traits, BigDecimal n, JsonNode v, boolean sensitive) {
      traits
          .rangeMin()
          .filter(min -> n.compareTo(BigDecimal.valueOf(min)) < 0)
          .ifPresent(
              min ->
                  fail(
                      path,
                      v,
                      sensitive,
                      "Member must have value greater than or equal to " + min));
      traits
          .rangeMax()
          .filter(max -> n.compareTo(BigDecimal.valueOf(max)) > 0)
          .ifPresent(
              max ->
                  fail(path, v, sensitive, "Member must have value less than or equal to " + max));
    }

    void timestamp(String path, Traits traits, JsonNode v, boolean sensitive) {
      // awsJson defaults to epoch seconds; date-time and http-date travel as strings.
      JsonNode format = traits.raw().path("smithy.api#timestampFormat");
      boolean textual = format.isTextual() && !format.asText().equals("epoch-seconds");
      expect(
          textual ? v.isTextual() : v.isNumber(),
          path,
          v,
          sensitive,
          textual ? "Member must be a timestamp string" : "Member must be a number of seconds");
    }

    void list(String path, Shape shape, Traits traits, JsonNode v, boolean sensitive) {
      if (!v.isArray()) {
        fail(path, v, sensitive, "Member must be a list");
        return;
      }
      length(path, MEMBER, traits, v.size(), v, sensitive);
      Member member = shape.listMember();
      Traits memberTraits = model.effectiveTraits(member);
      boolean sparse = shape.traits().has("smithy.api#sparse");
      boolean s = sensitive || memberTraits.sensitive();
      for (int i = 0; i < v.size(); i++) {
        String p = path + "[" + i + "]";
        JsonNode e = v.get(i);
        if (e.isNull()) {
          if (!sparse) {
            fail(p, null, false, MEMBER + " must not be null");
          }
        } else {
          value(p, model.shape(member.target()), memberTraits, e, s);
        }
      }
    }

    void map(String path, Shape shape, Traits traits, JsonNode v, boolean sensitive) {
      if (!v.isObject()) {
        fail(path, v, sensitive, "Member must be a map");
        return;
      }
      length(path, MEMBER, traits, v.size(), v, sensitive);
      Shape keyShape = model.shape(shape.mapKey().target());
      Traits keyTraits = model.effectiveTraits(shape.mapKey());
      Traits valueTraits = model.effectiveTraits(shape.mapValue());
      boolean keySensitive = sensitive || keyTraits.sensitive();
      boolean valueSensitive = sensitive || valueTraits.sensitive();
      boolean sparse = shape.traits().has("smithy.api#sparse");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        // A key problem is reported on the map itself: the key is not a path segment yet.
        JsonNode key = TextNode.valueOf(entry.getKey());
        if (keyShape.type().equals("enum")) {
          enumValue(path, MAP_KEY, keyShape, key, keySensitive);
        } else {
          string(path, MAP_KEY, keyTraits, key, keySensitive);
        }
        String p = path + "[" + entry.getKey() + "]";
        if (entry.getValue().isNull()) {
          if (!sparse) {
            fail(p, null, false, MEMBER + " must not be null");
          }
        } else {
          value(
              p,
              model.shape(shape.mapValue().target()),
              valueTraits,
              entry.getValue(),
              valueSensitive);
        }
      }
    }

    void union(String path, Shape shape, JsonNode v, boolean sensitive) {
      if (!v.isObject()) {
        fail(path, v, sensitive, "Member must be a structure");
        return;
      }
      if (shape.members().keySet().stream().filter(v::hasNonNull).count() != 1) {
        fail(path, v, sensitive, "Member must have exactly one member set");
      }
      structure(path, shape, v, sensitive);
    }

    void expect(boolean ok, String path, JsonNode v, boolean sensitive, String constraint) {
      if (!ok) {
        fail(path, v, sensitive, constraint);
      }
    }

    void fail(String path, JsonNode v, boolean sensitive, String constraint) {
      // AWS leaves the value out entirely for sensitive members ("Value at 'password' ...").
      String value = v == null ? "Value null" : sensitive ? "Value" : "Value '" + echo(v) + "'";
      problems.add(
          new Field(
              path, value + " at '" + path + "' failed to satisfy constraint: " + constraint));
    }
  }

  private static String echo(JsonNode v) {
    String s = v.isTextual() ? v.asText() : v.toString();
    if (s.codePointCount(0, s.length()) <= ECHO_LIMIT) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, ECHO_LIMIT));
  }

  /** The exact integer a JSON number stands for; {@code 5.0} counts, {@code 5.5} does not. */
  private static Optional<BigInteger> integralValue(JsonNode v) {
    if (v.isIntegralNumber()) {
      return Optional.of(v.bigIntegerValue());
    }
    if (v.isFloatingPointNumber() && (v.isBigDecimal() || Double.isFinite(v.doubleValue()))) {
      BigDecimal d = v.decimalValue();
      // 1e999999 would expand to a million digits; no modelled integer is that large.
      if (d.precision() - d.scale() > 100) {
        return Optional.empty();
      }
      try {
        return Optional.of(d.toBigIntegerExact());
      } catch (ArithmeticException fractional) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static boolean fits(String type, BigInteger n) {
    int bits =
        switch (type) {
          case "byte" -> 8;
          case "short" -> 16;
          case "integer", "intEnum" -> 32;
          case "long" -> 64;
          default -> Integer.MAX_VALUE;
        };
    return bits == Integer.MAX_VALUE || n.bitLength() < bits;
  }

  private static String typeNoun(String type) {
    return switch (type) {
      case "byte" -> "a byte";
      case "short" -> "a short";
      case "long" -> "a long";
      default -> "an integer";
    };
  }
}
