package org.openpcs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;

class ShapeValidatorTest {
  private static final ServiceModel MODEL = ServiceModel.load();
  private final ShapeValidator validator = new ShapeValidator(MODEL);

  static List<String> operations() {
    return MODEL.operationNames();
  }

  @Test
  void theModelHasNineteenOperations() {
    assertThat(operations()).hasSize(19);
  }

  @ParameterizedTest
  @MethodSource("operations")
  void realisticValidRequestPasses(String op) {
    assertThat(validator.validate(op, InvalidRequests.validRequest(op))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("operations")
  void minimalRequestWithOnlyRequiredMembersPasses(String op) {
    ObjectNode minimal =
        new SampleValues(MODEL)
            .structure(MODEL.shape(MODEL.operation(op).orElseThrow().inputShape()));
    assertThat(validator.validate(op, minimal)).isEmpty();
  }

  @Test
  void missingRequiredMemberIsReported() {
    ObjectNode r = createCluster();
    r.remove("clusterName");
    assertThat(validator.validate("CreateCluster", r))
        .containsExactly(
            new Field(
                "clusterName",
                "Value null at 'clusterName' failed to satisfy constraint: Member must not be null"));
  }

  @Test
  void jsonNullCountsAsAbsent() {
    ObjectNode r = createCluster();
    r.putNull("clusterName");
    r.putNull("tags");
    assertThat(validator.validate("CreateCluster", r))
        .extracting(Field::name)
        .containsExactly("clusterName");
  }

  @Test
  void stringTooShort() {
    assertThat(messages("CreateCluster", createCluster().put("clusterName", "ab")))
        .containsExactly(
            "Value 'ab' at 'clusterName' failed to satisfy constraint: Member must have length"
                + " greater than or equal to 3");
  }

  @Test
  void stringTooLong() {
    assertThat(messages("CreateCluster", createCluster().put("clusterName", "a".repeat(41))))
        .containsExactly(
            "Value '"
                + "a".repeat(41)
                + "' at 'clusterName' failed to satisfy constraint: Member must have length less"
                + " than or equal to 40");
  }

  @Test
  void lengthCountsCodePointsNotUtf16Units() {
    String sevenEmoji = "\uD83D\uDE42".repeat(7); // 14 chars, 7 code points
    assertThat(fields("DeleteCluster", request("DeleteCluster").put("clientToken", sevenEmoji)))
        .containsExactly("clientToken");
    String eightEmoji = "\uD83D\uDE42".repeat(8);
    assertThat(fields("DeleteCluster", request("DeleteCluster").put("clientToken", eightEmoji)))
        .isEmpty();
  }

  @Test
  void patternViolation() {
    // The negative look-ahead in ClusterName reserves the pcs_ prefix for ids.
    assertThat(messages("CreateCluster", createCluster().put("clusterName", "pcs_demo")))
        .containsExactly(
            "Value 'pcs_demo' at 'clusterName' failed to satisfy constraint: Member must satisfy"
                + " regular expression pattern: ^(?!pcs_)^[A-Za-z][A-Za-z0-9-]+$");
  }

  @Test
  void lengthAndPatternAreReportedSeparately() {
    assertThat(messages("CreateCluster", createCluster().put("clusterName", "1")))
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("length greater than or equal to 3"))
        .anySatisfy(m -> assertThat(m).contains("regular expression pattern"));
  }

  @Test
  void enumValueOutsideTheSet() {
    assertThat(messages("CreateCluster", createCluster().put("size", "HUGE")))
        .containsExactly(
            "Value 'HUGE' at 'size' failed to satisfy constraint: Member must satisfy enum value"
                + " set: [SMALL, MEDIUM, LARGE]");
  }

  @Test
  void enumUsesWireValuesNotMemberNames() {
    ObjectNode r = request("UpdateComputeNodeGroup");
    r.putObject("spotOptions").put("allocationStrategy", "price-capacity-optimized");
    assertThat(fields("UpdateComputeNodeGroup", r)).isEmpty();
    r.putObject("spotOptions").put("allocationStrategy", "PRICE_CAPACITY_OPTIMIZED");
    assertThat(fields("UpdateComputeNodeGroup", r))
        .containsExactly("spotOptions.allocationStrategy");
  }

  @Test
  void rangeBelowAndAbove() {
    assertThat(messages("ListClusters", json("{\"maxResults\": 0}")))
        .containsExactly(
            "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value"
                + " greater than or equal to 1");
    assertThat(messages("ListClusters", json("{\"maxResults\": 101}")))
        .containsExactly(
            "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value"
                + " less than or equal to 100");
  }

  @Test
  void integersMustBeIntegralAndFitInThirtyTwoBits() {
    for (String bad : List.of("\"5\"", "1.5", "2147483648", "true")) {
      assertThat(messages("ListClusters", json("{\"maxResults\": " + bad + "}")))
          .as(bad)
          .containsExactly(
              "Value '"
                  + bad.replace("\"", "")
                  + "' at 'maxResults' failed to satisfy constraint: Member must be an integer");
    }
    assertThat(fields("ListClusters", json("{\"maxResults\": 5.0}"))).isEmpty();
  }

  @Test
  void jsonTypeMismatches() {
    ObjectNode r = createCluster();
    r.put("clusterName", 42);
    r.put("scheduler", "SLURM");
    r.putArray("tags").add("team");
    r.withObject("networking").put("subnetIds", "subnet-0123456789abcdef0");
    assertThat(messages("CreateCluster", r))
        .containsExactly(
            "Value '42' at 'clusterName' failed to satisfy constraint: Member must be a string",
            "Value 'SLURM' at 'scheduler' failed to satisfy constraint: Member must be a structure",
            "Value 'subnet-0123456789abcdef0' at 'networking.subnetIds' failed to satisfy"
                + " constraint: Member must be a list",
            "Value '[\"team\"]' at 'tags' failed to satisfy constraint: Member must be a map");
  }

  @Test
  void nestedPathsUseDotsAndIndexes() {
    ObjectNode r = request("CreateComputeNodeGroup");
    r.withObject("scalingConfiguration").remove("maxInstanceCount");
    r.withArray("instanceConfigs").addObject().put("instanceType", 7);
    r.withArray("subnetIds").add("subnet-x");
    ObjectNode c = createCluster();
    c.withObject("scheduler").remove("version");
    c.withObject("networking").withArray("securityGroupIds").add("sg-1");
    c.withObject("slurmConfiguration")
        .putArray("slurmCustomSettings")
        .addObject()
        .put("parameterName", "Prolog");

    assertThat(fields("CreateComputeNodeGroup", r))
        .containsExactly(
            "scalingConfiguration.maxInstanceCount", "instanceConfigs[1].instanceType");
    assertThat(fields("CreateCluster", c))
        .containsExactly(
            "scheduler.version",
            "networking.securityGroupIds[1]",
            "slurmConfiguration.slurmCustomSettings[0].parameterValue");
  }

  @Test
  void nullListItemIsReported() {
    ObjectNode r = request("UntagResource");
    r.withArray("tagKeys").addNull();
    assertThat(fields("UntagResource", r)).containsExactly("tagKeys[1]");
  }

  @Test
  void listLength() {
    ObjectNode r = createCluster();
    r.withObject("networking").putArray("subnetIds");
    assertThat(messages("CreateCluster", r))
        .containsExactly(
            "Value '[]' at 'networking.subnetIds' failed to satisfy constraint: Member must have"
                + " length greater than or equal to 1");
  }

  @Test
  void mapValueProblemIsReportedAtTheKeyedPath() {
    ObjectNode r = createCluster();
    r.withObject("tags").put("owner", "x".repeat(257));
    assertThat(fields("CreateCluster", r)).containsExactly("tags[owner]");
  }

  @Test
  void mapKeyProblemIsReportedOnTheMapAndNamesTheKey() {
    ObjectNode r = createCluster();
    r.withObject("tags").put("", "empty key");
    assertThat(validator.validate("CreateCluster", r))
        .containsExactly(
            new Field(
                "tags",
                "Value '' at 'tags' failed to satisfy constraint: Map key must have length greater"
                    + " than or equal to 1"));
  }

  @Test
  void mapSizeLimits() {
    ObjectNode empty = createCluster();
    empty.putObject("tags");
    ObjectNode tooMany = createCluster();
    ObjectNode tags = tooMany.putObject("tags");
    for (int i = 0; i <= 200; i++) {
      tags.put("k" + i, "v");
    }
    assertThat(messages("CreateCluster", empty))
        .containsExactly(
            "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater"
                + " than or equal to 1");
    assertThat(messages("CreateCluster", tooMany))
        .singleElement(STRING)
        .endsWith("Member must have length less than or equal to 200");
  }

  @Test
  void everyProblemIsReportedTogether() {
    ObjectNode r = createCluster();
    r.put("clusterName", "x");
    r.remove("scheduler");
    r.put("size", "TINY");
    r.withObject("networking").putArray("subnetIds").add("vpc-1");
    r.withObject("slurmConfiguration").put("scaleDownIdleTimeInSeconds", 0);

    assertThat(fields("CreateCluster", r))
        .containsExactly(
            "clusterName",
            "clusterName",
            "scheduler",
            "size",
            "networking.subnetIds[0]",
            "slurmConfiguration.scaleDownIdleTimeInSeconds");
    assertThatThrownBy(() -> validator.check("CreateCluster", r))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ValidationException.Reason.FIELD_VALIDATION_FAILED);
              assertThat(e.fields()).hasSize(6);
              assertThat(e.getMessage()).startsWith("6 validation errors detected: clusterName: ");
            });
  }

  @Test
  void checkPassesValidRequests() {
    validator.check("CreateCluster", createCluster());
  }

  @Test
  void unknownMembersAreIgnoredAtEveryDepth() {
    ObjectNode r = createCluster();
    r.put("launchTemplateMode", "MANAGED");
    r.withObject("scheduler").put("futureOption", true);
    assertThat(fields("CreateCluster", r)).isEmpty();
  }

  @Test
  void sensitiveValuesAreNeverEchoed() {
    // No input member is @sensitive in this model; RegisterComputeNodeGroupInstance's output is.
    JsonNode response =
        json("{\"nodeID\": \"compute-1\", \"sharedSecret\": 4711, \"endpoints\": []}");
    assertThat(
            validator.validateShape(
                ServiceModel.NAMESPACE + "RegisterComputeNodeGroupInstanceResponse", response))
        .containsExactly(
            new Field(
                "sharedSecret",
                "Value at 'sharedSecret' failed to satisfy constraint: Member must be a string"));
  }

  @Test
  void echoedValuesAreTruncatedToOneHundredCharacters() {
    String longName = "a".repeat(60) + "b".repeat(60);
    assertThat(messages("CreateCluster", createCluster().put("clusterName", longName)))
        .singleElement(STRING)
        .startsWith("Value '" + "a".repeat(60) + "b".repeat(40) + "' at 'clusterName'");
  }

  @Test
  void emptyOrNullBodyMeansNoMembers() {
    assertThat(fields("ListClusters", null)).isEmpty();
    assertThat(fields("ListClusters", json("null"))).isEmpty();
    assertThat(fields("GetCluster", json("{}"))).containsExactly("clusterIdentifier");
  }

  @Test
  void bodyMustBeAnObject() {
    assertThat(validator.validate("GetCluster", json("[1]")))
        .containsExactly(new Field(ShapeValidator.BODY, "The request body must be a JSON object"));
  }

  @Test
  void unknownOperationIsAProgrammingError() {
    assertThatThrownBy(() -> validator.validate("LaunchRockets", json("{}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private List<String> fields(String op, JsonNode body) {
    return validator.validate(op, body).stream().map(Field::name).toList();
  }

  private List<String> messages(String op, JsonNode body) {
    return validator.validate(op, body).stream().map(Field::message).toList();
  }

  private static ObjectNode createCluster() {
    return request("CreateCluster");
  }

  private static ObjectNode request(String op) {
    return InvalidRequests.validRequest(op);
  }

  static JsonNode json(String text) {
    try {
      return PcsJson.mapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
