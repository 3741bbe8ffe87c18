package org.openpcs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.ServiceModel.Traits;

/**
 * Derives invalid requests from the model, so every module that accepts PCS input can prove it
 * rejects each constraint without listing them by hand. Starting from a valid request, it visits
 * every member reachable from the operation's input (also members the request leaves out, whose
 * parents it fills with minimal valid values) and breaks one constraint at a time.
 */
public final class InvalidRequests {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * One invalid request: what was broken, the request, and the field path a validator must report.
   */
  public record Mutation(String description, ObjectNode request, String expectedField) {}

  private InvalidRequests() {}

  /** A realistic valid request for an operation; a fresh copy on every call. */
  public static ObjectNode validRequest(String operationName) {
    return ValidRequests.of(operationName);
  }

  /** Every single-constraint violation of {@code validRequest} the model allows us to derive. */
  public static List<Mutation> of(
      ServiceModel model, String operationName, ObjectNode validRequest) {
    String input =
        model
            .operation(operationName)
            .orElseThrow(() -> new IllegalArgumentException("unknown operation " + operationName))
            .inputShape();
    if (input == null || input.equals("smithy.api#Unit")) {
      return List.of();
    }
    Generator g = new Generator(model, validRequest);
    g.structure(List.of(), model.shape(input), new HashSet<>());
    return List.copyOf(g.out);
  }

  /** One step from a container to a child; carries what is needed to create the child. */
  private record Step(Kind kind, String name, Shape shape, Traits traits) {}

  private enum Kind {
    MEMBER,
    ELEMENT,
    MAP_VALUE
  }

  /** Where a mutation writes: a container plus a field name or list index, and its path. */
  private record Slot(ContainerNode<?> parent, String field, int index, String path) {
    void set(JsonNode value) {
      if (parent instanceof ObjectNode o) {
        o.set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      ((ObjectNode) parent).remove(field);
    }
  }

  private static final class Generator {
    final ServiceModel model;
    final ObjectNode valid;
    final SampleValues samples;
    final List<Mutation> out = new ArrayList<>();

    Generator(ServiceModel model, ObjectNode valid) {
      this.model = model;
      this.valid = valid;
      this.samples = new SampleValues(model);
    }

    void structure(List<Step> at, Shape shape, Set<String> visiting) {
      // Recursive shapes would make the walk infinite; each is visited once per branch.
      if (!visiting.add(shape.id())) {
        return;
      }
      for (Member m : shape.members().values()) {
        Traits traits = model.effectiveTraits(m);
        List<Step> here =
            append(at, new Step(Kind.MEMBER, m.name(), model.shape(m.target()), traits));
        if (traits.required()) {
          mutate(here, "required member missing", Slot::remove);
          mutate(here, "required member null", s -> s.set(NullNode.instance));
        }
        value(here, visiting);
      }
      visiting.remove(shape.id());
    }

    void value(List<Step> at, Set<String> visiting) {
      Step step = at.get(at.size() - 1);
      Shape shape = step.shape();
      Traits traits = step.traits();
      set(at, "wrong JSON type", wrongType(shape));
      switch (shape.type()) {
        case "string" -> string(at, traits);
        case "enum" -> set(at, "not in enum", JSON.textNode("NOT_A_MODELLED_VALUE"));
        case "byte", "short", "integer", "long", "intEnum" -> integral(at, shape, traits);
        case "list", "set" -> list(at, shape, traits, visiting);
        case "map" -> map(at, shape, traits, visiting);
        case "structure" -> structure(at, shape, visiting);
        default -> {}
      }
    }

    void string(List<Step> at, Traits traits) {
      traits
          .lengthMin()
          .filter(min -> min > 0)
          .ifPresent(
              min -> set(at, "shorter than " + min, JSON.textNode("a".repeat((int) (min - 1)))));
      traits
          .lengthMax()
          .ifPresent(
              max -> set(at, "longer than " + max, JSON.textNode("a".repeat((int) (max + 1)))));
      traits
          .pattern()
          .ifPresent(p -> set(at, "not matching " + p, JSON.textNode(violating(p, traits))));
    }

    void integral(List<Step> at, Shape shape, Traits traits) {
      set(at, "fractional number", JSON.numberNode(1.5));
      set(at, "string instead of number", JSON.textNode("1"));
      if (!shape.type().equals("long")) {
        set(at, "beyond 64 bits", JSON.numberNode(new BigInteger("99999999999999999999")));
      }
      traits.rangeMin().ifPresent(min -> set(at, "below " + min, JSON.numberNode(min - 1)));
      traits.rangeMax().ifPresent(max -> set(at, "above " + max, JSON.numberNode(max + 1)));
    }

    void list(List<Step> at, Shape shape, Traits traits, Set<String> visiting) {
      Member member = shape.listMember();
      traits
          .lengthMin()
          .filter(min -> min > 0)
          .ifPresent(min -> set(at, "fewer than " + min + " items", items(member, min - 1)));
      traits
          .lengthMax()
          .ifPresent(max -> set(at, "more than " + max + " items", items(member, max + 1)));
      List<Step> element =
          append(
              at,
              new Step(
                  Kind.ELEMENT, null, model.shape(member.target()), model.effectiveTraits(member)));
      if (!shape.traits().has("smithy.api#sparse")) {
        mutate(element, "null item", s -> s.set(NullNode.instance));
      }
      value(element, visiting);
    }

    void map(List<Step> at, Shape shape, Traits traits, Set<String> visiting) {
      traits
          .lengthMin()
          .filter(min -> min > 0)
          .ifPresent(min -> set(at, "fewer than " + min + " entries", entries(shape, min - 1)));
      traits
          .lengthMax()
          .ifPresent(max -> set(at, "more than " + max + " entries", entries(shape, max + 1)));
      Traits keyTraits = model.effectiveTraits(shape.mapKey());
      JsonNode value = samples.of(shape.mapValue());
      keyTraits
          .lengthMin()
          .filter(min -> min > 0)
          .ifPresent(
              min -> set(at, "key shorter than " + min, entry("a".repeat((int) (min - 1)), value)));
      keyTraits
          .lengthMax()
          .ifPresent(
              max -> set(at, "key longer than " + max, entry("a".repeat((int) (max + 1)), value)));
      keyTraits
          .pattern()
          .ifPresent(p -> set(at, "key not matching " + p, entry(violating(p, keyTraits), value)));
      if (model.shape(shape.mapKey().target()).type().equals("enum")) {
        set(at, "key not in enum", entry("NOT_A_MODELLED_VALUE", value));
      }
      List<Step> entryValue =
          append(
              at,
              new Step(
                  Kind.MAP_VALUE,
                  null,
                  model.shape(shape.mapValue().target()),
                  model.effectiveTraits(shape.mapValue())));
      if (!shape.traits().has("smithy.api#sparse")) {
        mutate(entryValue, "null value", s -> s.set(NullNode.instance));
      }
      value(entryValue, visiting);
    }

    JsonNode wrongType(Shape shape) {
      return switch (shape.type()) {
        case "string", "enum", "blob", "timestamp" -> JSON.numberNode(42);
        case "boolean" -> JSON.textNode("true");
        case "list", "set" -> JSON.textNode("not-a-list");
        case "map", "structure", "union" -> JSON.arrayNode().add("not-an-object");
        default -> JSON.textNode("not-a-number");
      };
    }

    ArrayNode items(Member member, long n) {
      ArrayNode a = JSON.arrayNode();
      for (long i = 0; i < n; i++) {
        a.add(samples.of(member));
      }
      return a;
    }

    ObjectNode entries(Shape map, long n) {
      ObjectNode o = JSON.objectNode();
      for (int i = 0; i < n; i++) {
        o.set(samples.key(map, i), samples.of(map.mapValue()));
      }
      return o;
    }

    static ObjectNode entry(String key, JsonNode value) {
      ObjectNode o = JSON.objectNode();
      o.set(key, value);
      return o;
    }

    /** A string that breaks the pattern but, where possible, keeps within the length limits. */
    static String violating(String pattern, Traits traits) {
      Pattern p = Pattern.compile(pattern);
      long min = traits.lengthMin().orElse(0L);
      long max = traits.lengthMax().orElse(Long.MAX_VALUE);
      String fallback = null;
      for (String c : List.of("bad value!", "-bad", "!!!!!!!!!!", "pcs_demo", " ", "")) {
        if (p.matcher(c).find()) {
          continue;
        }
        if (c.length() >= min && c.length() <= max) {
          return c;
        }
        fallback = fallback == null ? c : fallback;
      }
      if (fallback == null) {
        throw new IllegalStateException("no candidate violates pattern " + pattern);
      }
      return fallback;
    }

    void set(List<Step> at, String what, JsonNode value) {
      mutate(at, what, s -> s.set(value));
    }

    void mutate(List<Step> at, String what, Consumer<Slot> change) {
      ObjectNode request = valid.deepCopy();
      Slot slot = resolve(request, at);
      change.accept(slot);
      out.add(new Mutation(slot.path() + ": " + what, request, slot.path()));
    }

    /** Walks to the slot, creating minimal valid parents the valid request does not have. */
    Slot resolve(ObjectNode root, List<Step> steps) {
      JsonNode current = root;
      String path = "";
      for (int i = 0; ; i++) {
        Step step = steps.get(i);
        Step next = i + 1 < steps.size() ? steps.get(i + 1) : null;
        Slot slot;
        switch (step.kind()) {
          case MEMBER -> {
            path = path.isEmpty() ? step.name() : path + "." + step.name();
            slot = new Slot((ObjectNode) current, step.name(), -1, path);
            current = current.get(step.name());
          }
          case ELEMENT -> {
            ArrayNode a = (ArrayNode) current;
            if (a.isEmpty()) {
              a.add(samples.of(step.shape(), step.traits()));
            }
            path = path + "[0]";
            slot = new Slot(a, null, 0, path);
            current = a.get(0);
          }
          default -> {
            ObjectNode m = (ObjectNode) current;
            if (m.isEmpty()) {
              m.set(
                  samples.key(steps.get(i - 1).shape(), 0),
                  samples.of(step.shape(), step.traits()));
            }
            String key = m.fieldNames().next();
            path = path + "[" + key + "]";
            slot = new Slot(m, key, -1, path);
            current = m.get(key);
          }
        }
        if (next == null) {
          return slot;
        }
        if (current == null || current.isNull()) {
          current = samples.of(step.shape(), step.traits());
          slot.set(current);
        }
      }
    }

    static List<Step> append(List<Step> at, Step step) {
      List<Step> l = new ArrayList<>(at);
      l.add(step);
      return l;
    }
  }
}
