package org.openpcs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.ServiceModel.Traits;

/**
 * The smallest valid JSON value for any shape of the model: structures carry only their required
 * members, lists and maps one entry. Strings with a pattern need a hand-picked sample, since
 * inverting a regular expression is out of scope; a new patterned shape fails loudly here.
 */
final class SampleValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final Map<String, String> PATTERNED =
      Map.ofEntries(
          Map.entry("ClusterName", "demo"),
          Map.entry("ClusterIdentifier", "demo"),
          Map.entry("ComputeNodeGroupName", "compute"),
          Map.entry("ComputeNodeGroupIdentifier", "compute"),
          Map.entry("QueueName", "batch"),
          Map.entry("QueueIdentifier", "batch"),
          Map.entry("AmiId", "ami-0123456789abcdef0"),
          Map.entry("SubnetId", "subnet-0123456789abcdef0"),
          Map.entry("SecurityGroupId", "sg-0123456789abcdef0"),
          Map.entry("InstanceProfileArn", "arn:aws:iam::123456789012:instance-profile/AWSPCS-demo"),
          Map.entry("Arn", ValidRequests.CLUSTER_ARN),
          Map.entry("BootstrapId", "9f2c4e1a7b3d5f60"));

  private final ServiceModel model;

  SampleValues(ServiceModel model) {
    this.model = model;
  }

  /** A valid value for a member. */
  JsonNode of(Member member) {
    return of(model.shape(member.target()), model.effectiveTraits(member));
  }

  /** A valid value for a shape under the given (effective) traits. */
  JsonNode of(Shape shape, Traits traits) {
    return switch (shape.type()) {
      case "string" -> JSON.textNode(string(shape, traits));
      case "enum" -> JSON.textNode(shape.enumValues().get(0));
      case "byte", "short", "integer", "long", "bigInteger", "intEnum" ->
          JSON.numberNode(integer(traits));
      case "float", "double", "bigDecimal" -> JSON.numberNode(integer(traits));
      case "boolean" -> JSON.booleanNode(true);
      case "timestamp" -> JSON.textNode("2024-07-16T17:13:09Z");
      case "list", "set" -> list(shape, traits);
      case "map" -> map(shape, traits);
      case "structure" -> structure(shape);
      default -> JSON.objectNode();
    };
  }

  /** A valid map key, for building maps with several distinct keys. */
  String key(Shape map, int i) {
    String base = string(model.shape(map.mapKey().target()), model.effectiveTraits(map.mapKey()));
    return i == 0 ? base : base + i;
  }

  ObjectNode structure(Shape shape) {
    ObjectNode o = JSON.objectNode();
    for (Member m : shape.members().values()) {
      if (model.effectiveTraits(m).required()) {
        o.set(m.name(), of(m));
      }
    }
    return o;
  }

  private ArrayNode list(Shape shape, Traits traits) {
    ArrayNode a = JSON.arrayNode();
    long n = Math.max(1, traits.lengthMin().orElse(0L));
    for (int i = 0; i < n; i++) {
      a.add(of(shape.listMember()));
    }
    return a;
  }

  private ObjectNode map(Shape shape, Traits traits) {
    ObjectNode o = JSON.objectNode();
    long n = Math.max(1, traits.lengthMin().orElse(0L));
    for (int i = 0; i < n; i++) {
      o.set(key(shape, i), of(shape.mapValue()));
    }
    return o;
  }

  private static long integer(Traits traits) {
    long v = 1;
    v = Math.max(v, traits.rangeMin().orElse(v));
    return Math.min(v, traits.rangeMax().orElse(v));
  }

  private static String string(Shape shape, Traits traits) {
    String sample = PATTERNED.get(shape.simpleName());
    if (sample == null) {
      if (traits.pattern().isPresent()) {
        throw new IllegalStateException(
            "no sample for patterned shape " + shape.id() + "; add one to SampleValues");
      }
      long min = traits.lengthMin().orElse(1L);
      long max = traits.lengthMax().orElse(Long.MAX_VALUE);
      sample =
          "example".repeat((int) (min / 7 + 1)).substring(0, (int) Math.min(max, Math.max(min, 7)));
    }
    if (traits.pattern().isPresent()
        && !Pattern.compile(traits.pattern().get()).matcher(sample).find()) {
      throw new IllegalStateException("sample '" + sample + "' no longer matches " + shape.id());
    }
    return sample;
  }
}
