package org.openpcs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.stream.Collectors;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One input member as a command-line option: its picocli spec and how its arguments become JSON.
 * The value forms are the AWS CLI's: scalars as given; lists as several arguments or one JSON
 * array; structures and maps as shorthand or JSON; {@code file://} anywhere.
 */
final class OptionMapper {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How the values of a member are taken from the command line. */
  enum Kind {
    SCALAR,
    BOOLEAN,
    SCALAR_LIST,
    COMPLEX_LIST,
    COMPLEX
  }

  private final ServiceModel model;
  private final Member member;
  private final Shape shape;
  private final Kind kind;
  private final boolean required;
  private final OptionSpec spec;

  OptionMapper(ServiceModel model, Member member) {
    this.model = model;
    this.member = member;
    this.shape = model.shape(member.target());
    this.kind = kindOf(model, shape);
    this.required = model.effectiveTraits(member).required();
    this.spec = buildSpec();
  }

  private static Kind kindOf(ServiceModel model, Shape shape) {
    return switch (shape.type()) {
      case "boolean" -> Kind.BOOLEAN;
      case "structure", "map", "union", "document" -> Kind.COMPLEX;
      case "list", "set" ->
          isComplex(model.shape(shape.listMember().target()))
              ? Kind.COMPLEX_LIST
              : Kind.SCALAR_LIST;
      default -> Kind.SCALAR;
    };
  }

  private static boolean isComplex(Shape s) {
    return switch (s.type()) {
      case "structure", "map", "list", "set", "union", "document" -> true;
      default -> false;
    };
  }

  private OptionSpec buildSpec() {
    OptionSpec.Builder b =
        OptionSpec.builder(Names.option(member.name()))
            .description(Docs.escapeForPicocli(HelpText.forMember(model, member, required)));
    switch (kind) {
      case BOOLEAN -> b.type(boolean.class).arity("0").negatable(true);
      case SCALAR_LIST, COMPLEX_LIST ->
          b.type(List.class).auxiliaryTypes(String.class).arity("1..*").paramLabel("<value>");
      default -> b.type(String.class).arity("1").paramLabel("<value>");
    }
    return b.build();
  }

  OptionSpec spec() {
    return spec;
  }

  String memberName() {
    return member.name();
  }

  String optionName() {
    return spec.longestName();
  }

  boolean required() {
    return required;
  }

  /** The member's JSON value from the option's parsed value (a String, List or Boolean). */
  JsonNode toJson(Object parsed, ParamFiles files) {
    return switch (kind) {
      case BOOLEAN -> BooleanNode.valueOf((Boolean) parsed);
      case SCALAR -> scalar(shape, files.resolve((String) parsed, optionName()));
      case COMPLEX -> complex(shape, files.resolve((String) parsed, optionName()));
      case SCALAR_LIST, COMPLEX_LIST -> list(resolveAll(parsed, files));
    };
  }

  private List<String> resolveAll(Object parsed, ParamFiles files) {
    return ((List<?>) parsed)
        .stream()
            .map(v -> files.resolve(String.valueOf(v), optionName()))
            .collect(Collectors.toList());
  }

  private JsonNode list(List<String> values) {
    if (values.size() == 1 && values.get(0).strip().startsWith("[")) {
      return json(values.get(0));
    }
    Shape item = model.shape(shape.listMember().target());
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (String v : values) {
      out.add(kind == Kind.SCALAR_LIST ? scalar(item, v) : complex(item, v));
    }
    return out;
  }

  private JsonNode scalar(Shape target, String text) {
    return ShapeCoercer.scalar(target, text)
        .orElseThrow(
            () ->
                CliFailure.param(
                    "Error parsing parameter '"
                        + optionName()
                        + "': invalid "
                        + target.type()
                        + " value: '"
                        + text
                        + "'"));
  }

  private JsonNode complex(Shape target, String text) {
    String t = text.strip();
    if (t.startsWith("{") || t.startsWith("[")) {
      return json(text);
    }
    try {
      return new ShapeCoercer(model).coerce(target, ShorthandParser.parse(text));
    } catch (ShorthandParser.ShorthandException e) {
      throw CliFailure.param("Error parsing parameter '" + optionName() + "': " + e.getMessage());
    }
  }

  private JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw CliFailure.param(
          "Error parsing parameter '"
              + optionName()
              + "': Invalid JSON: "
              + e.getOriginalMessage()
              + "\nJSON received: "
              + text);
    }
  }
}
