package org.openpcs.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.api.PcsJson;

/**
 * Everything a client can see of the store, read through the API: every cluster, node group and
 * queue (list summaries and full Get outputs) and their tags. Two snapshots are equal exactly when
 * nothing visible changed.
 */
final class StoreSnapshot {
  private StoreSnapshot() {}

  static ObjectNode take(RawPcs pcs) {
    ObjectNode snap = PcsJson.mapper().createObjectNode();
    ArrayNode clusters = snap.putArray("clusters");
    for (JsonNode summary : all(pcs, "ListClusters", RawPcs.object(), "clusters")) {
      String id = summary.get("id").asText();
      ObjectNode c = clusters.addObject();
      c.set("summary", summary);
      c.set("cluster", pcs.ok("GetCluster", RawPcs.object().put("clusterIdentifier", id)));
      c.set("tags", tags(pcs, summary.get("arn").asText()));
      ArrayNode groups = c.putArray("computeNodeGroups");
      for (JsonNode g :
          all(
              pcs,
              "ListComputeNodeGroups",
              RawPcs.object().put("clusterIdentifier", id),
              "computeNodeGroups")) {
        ObjectNode o = groups.addObject();
        o.set("summary", g);
        o.set(
            "computeNodeGroup",
            pcs.ok(
                "GetComputeNodeGroup",
                RawPcs.object()
                    .put("clusterIdentifier", id)
                    .put("computeNodeGroupIdentifier", g.get("id").asText())));
        o.set("tags", tags(pcs, g.get("arn").asText()));
      }
      ArrayNode queues = c.putArray("queues");
      for (JsonNode q :
          all(pcs, "ListQueues", RawPcs.object().put("clusterIdentifier", id), "queues")) {
        ObjectNode o = queues.addObject();
        o.set("summary", q);
        o.set(
            "queue",
            pcs.ok(
                "GetQueue",
                RawPcs.object()
                    .put("clusterIdentifier", id)
                    .put("queueIdentifier", q.get("id").asText())));
        o.set("tags", tags(pcs, q.get("arn").asText()));
      }
    }
    return snap;
  }

  /** Every item of a paginated list, following nextToken. */
  static List<JsonNode> all(RawPcs pcs, String op, ObjectNode request, String member) {
    List<JsonNode> out = new ArrayList<>();
    ObjectNode r = request.deepCopy().put("maxResults", 100);
    for (int page = 0; page < 1000; page++) {
      JsonNode resp = pcs.ok(op, r);
      resp.get(member).forEach(out::add);
      if (!resp.hasNonNull("nextToken")) {
        return out;
      }
      r.put("nextToken", resp.get("nextToken").asText());
    }
    throw new AssertionError(op + " never stopped returning nextToken");
  }

  private static JsonNode tags(RawPcs pcs, String arn) {
    return pcs.ok("ListTagsForResource", RawPcs.object().put("resourceArn", arn));
  }
}
