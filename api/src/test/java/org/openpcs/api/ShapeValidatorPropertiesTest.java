package org.openpcs.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** Checks the validator against independent oracles written straight from the model's numbers. */
class ShapeValidatorPropertiesTest {
  private static final Pattern NAME = Pattern.compile("^(?!pcs_)[A-Za-z][A-Za-z0-9-]+$");
  private final ShapeValidator validator = new ShapeValidator(ServiceModel.load());

  @Property
  void clusterNameIsValidExactlyWhenLengthAndPatternHold(
      @ForAll @StringLength(max = 45) @CharRange(from = '+', to = 'z') String name) {
    var request = InvalidRequests.validRequest("CreateCluster").put("clusterName", name);
    boolean expected = name.length() >= 3 && name.length() <= 40 && NAME.matcher(name).matches();

    assertThat(validator.validate("CreateCluster", request).isEmpty()).isEqualTo(expected);
  }

  @Property
  void maxResultsIsValidExactlyWithinOneToOneHundred(@ForAll long maxResults) {
    var request = InvalidRequests.validRequest("ListQueues").put("maxResults", maxResults);

    assertThat(validator.validate("ListQueues", request).isEmpty())
        .isEqualTo(maxResults >= 1 && maxResults <= 100);
  }

  @Property
  void anyStringInAnyMemberNeverBreaksTheValidator(@ForAll String value) {
    for (String op : ServiceModel.load().operationNames()) {
      var request = InvalidRequests.validRequest(op);
      List<String> members = new ArrayList<>();
      request.fieldNames().forEachRemaining(members::add);
      members.forEach(m -> request.put(m, value));
      assertThat(validator.validate(op, request)).isNotNull();
    }
  }
}
