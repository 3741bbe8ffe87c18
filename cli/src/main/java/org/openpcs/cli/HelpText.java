package org.openpcs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;

/**
 * Help text derived from the model: a short description per member plus the forms the value takes
 * (enum values, a shorthand template), so that {@code --help} answers "what do I type here".
 */
final class HelpText {
  private static final int MAX_TEMPLATE = 200;

  private HelpText() {}

  static String forMember(ServiceModel model, Member member, boolean required) {
    List<String> parts = new ArrayList<>();
    if (required) {
      parts.add("(required)");
    }
    model
        .effectiveTraits(member)
        .documentation()
        .map(d -> Docs.summary(d, 1))
        .filter(s -> !s.isEmpty())
        .ifPresent(parts::add);
    Shape shape = model.shape(member.target());
    if (!shape.enumValues().isEmpty()) {
      parts.add("Possible values: " + String.join(", ", shape.enumValues()) + ".");
    }
    shorthand(model, shape).ifPresent(t -> parts.add("Shorthand: " + t));
    return String.join(" ", parts);
  }

  static java.util.Optional<String> shorthand(ServiceModel model, Shape shape) {
    String t =
        switch (shape.type()) {
          case "structure" -> fields(model, shape, 0);
          case "map" -> "KeyName1=" + placeholder(model, shape.mapValue().target(), 1) + ",...";
          case "list", "set" -> {
            Shape item = model.shape(shape.listMember().target());
            yield item.isStructure() ? fields(model, item, 0) + " ..." : null;
          }
          default -> null;
        };
    if (t == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        t.length() > MAX_TEMPLATE ? t.substring(0, MAX_TEMPLATE) + "…" : t);
  }

  private static String fields(ServiceModel model, Shape shape, int depth) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Member> m : shape.members().entrySet()) {
      out.add(m.getKey() + "=" + placeholder(model, m.getValue().target(), depth + 1));
    }
    return String.join(",", out);
  }

  private static String placeholder(ServiceModel model, String target, int depth) {
    Shape s = model.shape(target);
    if (depth > 3) {
      return "...";
    }
    return switch (s.type()) {
      case "structure" -> "{" + fields(model, s, depth) + "}";
      case "list", "set" -> "[" + placeholder(model, s.listMember().target(), depth + 1) + ",...]";
      case "map" -> "{KeyName1=" + placeholder(model, s.mapValue().target(), depth + 1) + "}";
      case "enum" -> String.join("|", s.enumValues());
      default -> s.type();
    };
  }
}
