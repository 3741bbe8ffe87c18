package org.openpcs.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.openpcs.api.InvalidRequests;

/**
 * The resources the model's sample requests refer to: cluster {@code demo}, node group {@code
 * compute} and queue {@code batch}, created from those same sample requests and waited for until
 * ACTIVE, so that identifiers in sample requests resolve.
 */
record Demo(JsonNode cluster, JsonNode computeNodeGroup, JsonNode queue) {
  static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(30);

  static Demo create(RawPcs pcs) {
    JsonNode cluster =
        pcs.ok("CreateCluster", InvalidRequests.validRequest("CreateCluster")).get("cluster");
    waitActive(pcs, "GetCluster", RawPcs.object().put("clusterIdentifier", "demo"), "cluster");
    JsonNode group =
        pcs.ok("CreateComputeNodeGroup", InvalidRequests.validRequest("CreateComputeNodeGroup"))
            .get("computeNodeGroup");
    waitActive(
        pcs,
        "GetComputeNodeGroup",
        RawPcs.object()
            .put("clusterIdentifier", "demo")
            .put("computeNodeGroupIdentifier", "compute"),
        "computeNodeGroup");
    JsonNode queue =
        pcs.ok("CreateQueue", InvalidRequests.validRequest("CreateQueue")).get("queue");
    waitActive(
        pcs,
        "GetQueue",
        RawPcs.object().put("clusterIdentifier", "demo").put("queueIdentifier", "batch"),
        "queue");
    return new Demo(cluster, group, queue);
  }

  String clusterArn() {
    return cluster.get("arn").asText();
  }

  static JsonNode waitActive(RawPcs pcs, String getOp, ObjectNode request, String member) {
    return Poll.until(
        ACTIVE_TIMEOUT,
        getOp + " " + request + " to be ACTIVE",
        () -> pcs.ok(getOp, request).get(member),
        r -> "ACTIVE".equals(r.path("status").asText()));
  }
}
