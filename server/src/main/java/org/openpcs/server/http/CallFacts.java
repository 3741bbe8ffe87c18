package org.openpcs.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.api.PcsJson;

/**
 * What the audit log may know about a call's subject: the cluster and resource it names (an
 * identifier, an ARN, or the id of what it created). Only these identifier members are read; a
 * request or response body is never kept, so no secret (a bootstrap id, the cluster secret) can
 * reach a log from here.
 */
public record CallFacts(String cluster, String resource) {
  static final CallFacts NONE = new CallFacts(null, null);
  private static final Pattern ARN_CLUSTER = Pattern.compile(":cluster/([A-Za-z0-9_-]+)");
  private static final String[] IDENTIFIERS = {
    "computeNodeGroupIdentifier", "queueIdentifier", "resourceArn", "clusterIdentifier"
  };
  private static final String[] NAMES = {"computeNodeGroupName", "queueName", "clusterName"};
  private static final String[] CREATED = {"computeNodeGroup", "queue", "cluster"};

  static CallFacts of(String operation, JsonNode request, int status, String responseBody) {
    if (request == null || !request.isObject()) {
      return NONE;
    }
    String cluster = text(request, "clusterIdentifier");
    String resource = first(request, IDENTIFIERS);
    if (resource == null) {
      resource = first(request, NAMES);
    }
    if (cluster == null && resource != null && resource.startsWith("arn:")) {
      Matcher m = ARN_CLUSTER.matcher(resource);
      cluster = m.find() ? m.group(1) : null;
    }
    if (status == 200 && operation != null && operation.startsWith("Create")) {
      JsonNode created = created(responseBody);
      if (created != null) {
        resource = text(created, "id");
        cluster = created.has("clusterId") ? text(created, "clusterId") : resource;
      }
    }
    return new CallFacts(cluster, resource);
  }

  private static JsonNode created(String responseBody) {
    try {
      JsonNode r = PcsJson.mapper().readTree(responseBody);
      for (String member : CREATED) {
        if (r != null && r.path(member).isObject()) {
          return r.get(member);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // Not JSON: no created resource to name.
    }
    return null;
  }

  private static String first(JsonNode request, String[] members) {
    for (String m : members) {
      String v = text(request, m);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String text(JsonNode n, String member) {
    JsonNode v = n.get(member);
    if (v == null || !v.isTextual()) {
      return null;
    }
    String s = v.asText();
    // Identifiers are short; anything else is not worth (or safe) keeping whole.
    return s.length() > 1100 ? s.substring(0, 1100) : s;
  }
}
