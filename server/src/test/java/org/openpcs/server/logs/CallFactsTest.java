package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.openpcs.server.http.CallFactsProbe;

/** The audit subject is taken from identifiers only: nothing else of a body reaches a record. */
class CallFactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void identifiersArnsAndCreatedIdsNameTheSubject() throws Exception {
    assertThat(
            CallFactsProbe.of(
                "GetComputeNodeGroup",
                json("{\"clusterIdentifier\":\"demo\",\"computeNodeGroupIdentifier\":\"g1\"}"),
                200,
                "{}"))
        .containsExactly("demo", "g1");
    assertThat(
            CallFactsProbe.of(
                "TagResource",
                json(
                    "{\"resourceArn\":\"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc/queue/pcs_q\",\"tags\":{\"k\":\"v\"}}"),
                200,
                "{}"))
        .containsExactly(
            "pcs_abc", "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc/queue/pcs_q");
    assertThat(
            CallFactsProbe.of(
                "CreateQueue",
                json("{\"clusterIdentifier\":\"demo\",\"queueName\":\"q\"}"),
                200,
                "{\"queue\":{\"id\":\"pcs_q1\",\"clusterId\":\"pcs_abc\"}}"))
        .containsExactly("pcs_abc", "pcs_q1");
  }

  @Test
  void secretsInARequestOrResponseNeverBecomeTheSubject() throws Exception {
    String[] subject =
        CallFactsProbe.of(
            "RegisterComputeNodeGroupInstance",
            json("{\"clusterIdentifier\":\"demo\",\"bootstrapId\":\"secret-bootstrap\"}"),
            200,
            "{\"sharedSecret\":\"the-cluster-secret\",\"nodeID\":\"n\"}");

    assertThat(String.join(" ", subject))
        .isEqualTo("demo demo")
        .doesNotContain("secret-bootstrap")
        .doesNotContain("the-cluster-secret");
  }
}
