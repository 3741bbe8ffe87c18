package org.openpcs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The official PCS Smithy model, loaded from the classpath. It is the single source of truth for
 * the wire contract: request validation, the CLI's options and the generated invalid-input tests
 * all read it, so nothing about shapes is copied by hand.
 */
public final class ServiceModel {
  public static final String NAMESPACE = "com.amazonaws.pcs#";
  public static final String SERVICE_ID = NAMESPACE + "AWSParallelComputingService";
  public static final String TARGET_PREFIX = "AWSParallelComputingService.";

  private static final String RESOURCE = "pcs-service-model.json";
  private static volatile ServiceModel instance;

  private final Map<String, Shape> shapes;
  private final Map<String, Operation> operations;

  /** One shape of the model. Prelude shapes ({@code smithy.api#String}) are synthesised. */
  public record Shape(
      String id,
      String type,
      Map<String, Member> members,
      Member listMember,
      Member mapKey,
      Member mapValue,
      List<String> enumValues,
      Traits traits) {
    public String simpleName() {
      return id.substring(id.indexOf('#') + 1);
    }

    public boolean isStructure() {
      return type.equals("structure");
    }
  }

  /** A member of a structure, list or map: a name, the shape it targets and its own traits. */
  public record Member(String name, String target, Traits traits) {}

  /** One operation: its input/output shapes and modelled errors, in model order. */
  public record Operation(
      String name, String inputShape, String outputShape, List<String> errors, Traits traits) {}

  /** Smithy traits of a shape or member, with typed accessors for the ones that constrain input. */
  public record Traits(JsonNode raw) {
    static final Traits NONE = new Traits(com.fasterxml.jackson.databind.node.NullNode.instance);

    public boolean has(String trait) {
      return raw.has(trait);
    }

    public boolean required() {
      return has("smithy.api#required");
    }

    public boolean sensitive() {
      return has("smithy.api#sensitive");
    }

    public boolean idempotencyToken() {
      return has("smithy.api#idempotencyToken");
    }

    public Optional<Long> lengthMin() {
      return number("smithy.api#length", "min");
    }

    public Optional<Long> lengthMax() {
      return number("smithy.api#length", "max");
    }

    public Optional<Long> rangeMin() {
      return number("smithy.api#range", "min");
    }

    public Optional<Long> rangeMax() {
      return number("smithy.api#range", "max");
    }

    public Optional<String> pattern() {
      JsonNode p = raw.get("smithy.api#pattern");
      return p == null ? Optional.empty() : Optional.of(p.asText());
    }

    public Optional<JsonNode> defaultValue() {
      return Optional.ofNullable(raw.get("smithy.api#default"));
    }

    public Optional<String> documentation() {
      JsonNode d = raw.get("smithy.api#documentation");
      return d == null ? Optional.empty() : Optional.of(d.asText());
    }

    public Optional<Integer> httpError() {
      JsonNode e = raw.get("smithy.api#httpError");
      return e == null ? Optional.empty() : Optional.of(e.asInt());
    }

    private Optional<Long> number(String trait, String field) {
      JsonNode t = raw.get(trait);
      if (t == null || !t.has(field)) {
        return Optional.empty();
      }
      return Optional.of(t.get(field).asLong());
    }

    /** Member traits win over the target shape's traits, as Smithy specifies. */
    Traits overlay(Traits memberTraits) {
      if (!raw.isObject()) {
        return memberTraits;
      }
      if (!memberTraits.raw.isObject()) {
        return this;
      }
      var merged = ((com.fasterxml.jackson.databind.node.ObjectNode) raw).deepCopy();
      merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) memberTraits.raw);
      return new Traits(merged);
    }
  }

  private ServiceModel(JsonNode root) {
    Map<String, Shape> parsed = new LinkedHashMap<>();
    root.get("shapes")
        .fields()
        .forEachRemaining(e -> parsed.put(e.getKey(), parse(e.getKey(), e.getValue())));
    this.shapes = Collections.unmodifiableMap(parsed);
    Map<String, Operation> ops = new LinkedHashMap<>();
    JsonNode service = root.get("shapes").get(SERVICE_ID);
    List<String> opIds = new ArrayList<>();
    service.path("operations").forEach(o -> opIds.add(o.get("target").asText()));
    service
        .path("resources")
        .forEach(
            r -> collectResourceOperations(root.get("shapes"), r.get("target").asText(), opIds));
    for (String id : opIds) {
      JsonNode op = root.get("shapes").get(id);
      List<String> errors = new ArrayList<>();
      op.path("errors").forEach(e -> errors.add(e.get("target").asText()));
      service.path("errors").forEach(e -> errors.add(e.get("target").asText()));
      String name = id.substring(id.indexOf('#') + 1);
      ops.put(
          name,
          new Operation(
              name,
              op.path("input").path("target").asText(null),
              op.path("output").path("target").asText(null),
              List.copyOf(errors),
              new Traits(op.path("traits"))));
    }
    this.operations = Collections.unmodifiableMap(ops);
  }

  private static void collectResourceOperations(
      JsonNode shapes, String resourceId, List<String> into) {
    JsonNode r = shapes.get(resourceId);
    for (String lifecycle : List.of("create", "put", "read", "update", "delete", "list")) {
      if (r.has(lifecycle)) {
        into.add(r.get(lifecycle).get("target").asText());
      }
    }
    r.path("operations").forEach(o -> into.add(o.get("target").asText()));
    r.path("collectionOperations").forEach(o -> into.add(o.get("target").asText()));
    r.path("resources")
        .forEach(c -> collectResourceOperations(shapes, c.get("target").asText(), into));
  }

  private static Shape parse(String id, JsonNode node) {
    String type = node.get("type").asText();
    Map<String, Member> members = new LinkedHashMap<>();
    List<String> enumValues = new ArrayList<>();
    node.path("members")
        .fields()
        .forEachRemaining(
            m -> {
              members.put(m.getKey(), member(m.getKey(), m.getValue()));
              if (type.equals("enum")) {
                JsonNode v = m.getValue().path("traits").path("smithy.api#enumValue");
                enumValues.add(v.isMissingNode() ? m.getKey() : v.asText());
              }
            });
    return new Shape(
        id,
        type,
        type.equals("enum") ? Map.of() : Collections.unmodifiableMap(members),
        node.has("member") ? member("member", node.get("member")) : null,
        node.has("key") ? member("key", node.get("key")) : null,
        node.has("value") ? member("value", node.get("value")) : null,
        List.copyOf(enumValues),
        new Traits(node.path("traits")));
  }

  private static Member member(String name, JsonNode node) {
    return new Member(name, node.get("target").asText(), new Traits(node.path("traits")));
  }

  /** The model bundled with this build. */
  public static ServiceModel load() {
    ServiceModel m = instance;
    if (m == null) {
      synchronized (ServiceModel.class) {
        if (instance == null) {
          try (InputStream in = ServiceModel.class.getResourceAsStream(RESOURCE)) {
            instance = new ServiceModel(new ObjectMapper().readTree(in));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled PCS model", e);
          }
        }
        m = instance;
      }
    }
    return m;
  }

  /** Operation names in model order. */
  public List<String> operationNames() {
    return List.copyOf(operations.keySet());
  }

  public Optional<Operation> operation(String name) {
    return Optional.ofNullable(operations.get(name));
  }

  /** A shape by absolute id; prelude shapes come back as simple shapes with no traits. */
  public Shape shape(String id) {
    Shape s = shapes.get(id);
    if (s != null) {
      return s;
    }
    if (id.startsWith("smithy.api#")) {
      String type = Character.toLowerCase(id.charAt(11)) + id.substring(12);
      return new Shape(id, type, Map.of(), null, null, null, List.of(), Traits.NONE);
    }
    throw new IllegalArgumentException("no shape " + id);
  }

  /** Traits that apply to a member: the target shape's, overridden by the member's own. */
  public Traits effectiveTraits(Member member) {
    return shape(member.target()).traits().overlay(member.traits());
  }
}
