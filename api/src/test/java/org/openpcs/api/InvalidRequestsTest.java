package org.openpcs.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpcs.api.InvalidRequests.Mutation;
import org.openpcs.api.error.ValidationException.Field;

class InvalidRequestsTest {
  private static final ServiceModel MODEL = ServiceModel.load();
  private final ShapeValidator validator = new ShapeValidator(MODEL);

  static List<String> operations() {
    return MODEL.operationNames();
  }

  @ParameterizedTest
  @MethodSource("operations")
  void validatorReportsExactlyTheBrokenFieldForEveryMutation(String op) {
    List<Mutation> mutations = InvalidRequests.of(MODEL, op, InvalidRequests.validRequest(op));

    assertThat(mutations).isNotEmpty();
    for (Mutation m : mutations) {
      assertThat(validator.validate(op, m.request()))
          .as("%s %s: %s", op, m.description(), m.request())
          .isNotEmpty()
          .extracting(Field::name)
          .containsOnly(m.expectedField());
    }
  }

  @Test
  void reachesMembersTheValidRequestLeavesOut() {
    List<String> fields =
        InvalidRequests.of(MODEL, "CreateCluster", InvalidRequests.validRequest("CreateCluster"))
            .stream()
            .map(Mutation::expectedField)
            .toList();

    assertThat(fields)
        .contains(
            "clientToken",
            "slurmConfiguration.accounting.mode",
            "slurmConfiguration.accounting.defaultPurgeTimeInDays",
            "slurmConfiguration.slurmdbdCustomSettings[0].parameterName",
            "networking.networkType",
            "tags[team]",
            "tags");
  }

  @Test
  void coversEveryConstraintKind() {
    List<String> descriptions =
        InvalidRequests.of(
                MODEL,
                "CreateComputeNodeGroup",
                InvalidRequests.validRequest("CreateComputeNodeGroup"))
            .stream()
            .map(Mutation::description)
            .toList();

    assertThat(descriptions)
        .contains(
            "clusterIdentifier: required member missing",
            "computeNodeGroupName: shorter than 3",
            "computeNodeGroupName: longer than 25",
            "amiId: not matching ^ami-[a-z0-9]+$",
            "purchaseOption: not in enum",
            "scalingConfiguration.minInstanceCount: below 0",
            "instanceConfigs[0].instanceType: wrong JSON type",
            "tags: more than 200 entries",
            "tags: key longer than 128",
            "tags[team]: longer than 256");
  }

  @Test
  void mutationsDoNotShareTheValidRequest() {
    var valid = InvalidRequests.validRequest("GetCluster");
    var copy = valid.deepCopy();
    InvalidRequests.of(MODEL, "GetCluster", valid);
    assertThat(valid).isEqualTo(copy);
  }
}
