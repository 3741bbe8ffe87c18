package org.openpcs.domain;

/** The three PCS resource kinds, with the names used in ARNs and in error {@code resourceType}. */
public enum ResourceKind {
  CLUSTER("cluster"),
  COMPUTE_NODE_GROUP("computenodegroup"),
  QUEUE("queue");

  /** The ARN path segment, also used as {@code resourceType} in errors. */
  public final String arnType;

  ResourceKind(String arnType) {
    this.arnType = arnType;
  }
}
