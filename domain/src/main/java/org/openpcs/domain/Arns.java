package org.openpcs.domain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ARNs of this server: {@code arn:aws:pcs:<region>:<account>:cluster/<id>} and the child forms
 * {@code .../cluster/<id>/computenodegroup/<id>} and {@code .../cluster/<id>/queue/<id>}.
 */
public record Arns(String partition, String region, String accountId) {
  private static final Pattern ARN =
      Pattern.compile(
          "^arn:([^:]+):pcs:([^:]*):([0-9]{12}):cluster/([A-Za-z0-9_]+)(?:/(computenodegroup|queue)/([A-Za-z0-9_]+))?$");

  /** What an ARN names: a cluster id and, for children, the child kind and id. */
  public record Parsed(ResourceKind kind, String clusterId, String childId) {
    public String resourceId() {
      return childId == null ? clusterId : childId;
    }
  }

  public String cluster(String clusterId) {
    return prefix() + "cluster/" + clusterId;
  }

  public String nodeGroup(String clusterId, String groupId) {
    return cluster(clusterId) + "/computenodegroup/" + groupId;
  }

  public String queue(String clusterId, String queueId) {
    return cluster(clusterId) + "/queue/" + queueId;
  }

  /** Parses an ARN of this server; empty when it is malformed or names another region/account. */
  public Optional<Parsed> parse(String arn) {
    Matcher m = ARN.matcher(arn);
    if (!m.matches()
        || !m.group(1).equals(partition)
        || !m.group(2).equals(region)
        || !m.group(3).equals(accountId)) {
      return Optional.empty();
    }
    if (m.group(5) == null) {
      return Optional.of(new Parsed(ResourceKind.CLUSTER, m.group(4), null));
    }
    ResourceKind kind =
        m.group(5).equals("queue") ? ResourceKind.QUEUE : ResourceKind.COMPUTE_NODE_GROUP;
    return Optional.of(new Parsed(kind, m.group(4), m.group(6)));
  }

  private String prefix() {
    return "arn:" + partition + ":pcs:" + region + ":" + accountId + ":";
  }
}
