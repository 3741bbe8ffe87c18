package org.openpcs.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One realistic, valid request per operation, written as an AWS CLI user would send it. They leave
 * out {@code clientToken} on purpose: tests reuse them, and a repeated token would replay the first
 * result instead of doing the work again.
 */
final class ValidRequests {
  static final String CLUSTER_ARN = "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abcdefghij";

  private static final String CNG =
      """
      "clusterIdentifier": "demo", "computeNodeGroupIdentifier": "compute"
      """;
  private static final String QUEUE =
      """
      "clusterIdentifier": "demo", "queueIdentifier": "batch"
      """;

  private static final Map<String, String> BODIES =
      Map.ofEntries(
          Map.entry(
              "CreateCluster",
              """
              {"clusterName": "demo",
               "scheduler": {"type": "SLURM", "version": "24.11"},
               "size": "SMALL",
               "networking": {"subnetIds": ["subnet-0123456789abcdef0"],
                              "securityGroupIds": ["sg-0123456789abcdef0"]},
               "slurmConfiguration": {"scaleDownIdleTimeInSeconds": 600},
               "tags": {"team": "hpc"}}
              """),
          Map.entry("GetCluster", "{\"clusterIdentifier\": \"demo\"}"),
          Map.entry("ListClusters", "{\"maxResults\": 10}"),
          Map.entry(
              "UpdateCluster",
              """
              {"clusterIdentifier": "demo",
               "slurmConfiguration": {"scaleDownIdleTimeInSeconds": 900}}
              """),
          Map.entry("DeleteCluster", "{\"clusterIdentifier\": \"demo\"}"),
          Map.entry(
              "CreateComputeNodeGroup",
              """
              {"clusterIdentifier": "demo",
               "computeNodeGroupName": "compute",
               "subnetIds": ["subnet-0123456789abcdef0"],
               "customLaunchTemplate": {"id": "lt-0123456789abcdef0", "version": "1"},
               "iamInstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/AWSPCS-demo",
               "scalingConfiguration": {"minInstanceCount": 0, "maxInstanceCount": 4},
               "instanceConfigs": [{"instanceType": "t3.medium"}],
               "tags": {"team": "hpc"}}
              """),
          Map.entry("GetComputeNodeGroup", "{" + CNG + "}"),
          Map.entry("ListComputeNodeGroups", "{\"clusterIdentifier\": \"demo\"}"),
          Map.entry(
              "UpdateComputeNodeGroup",
              "{"
                  + CNG
                  + ", \"scalingConfiguration\": {\"minInstanceCount\": 1,"
                  + " \"maxInstanceCount\": 8}}"),
          Map.entry("DeleteComputeNodeGroup", "{" + CNG + "}"),
          Map.entry(
              "CreateQueue",
              """
              {"clusterIdentifier": "demo",
               "queueName": "batch",
               "computeNodeGroupConfigurations": [{"computeNodeGroupId": "compute"}],
               "tags": {"team": "hpc"}}
              """),
          Map.entry("GetQueue", "{" + QUEUE + "}"),
          Map.entry("ListQueues", "{\"clusterIdentifier\": \"demo\"}"),
          Map.entry(
              "UpdateQueue",
              "{"
                  + QUEUE
                  + ", \"computeNodeGroupConfigurations\": [{\"computeNodeGroupId\":"
                  + " \"compute\"}]}"),
          Map.entry("DeleteQueue", "{" + QUEUE + "}"),
          Map.entry(
              "RegisterComputeNodeGroupInstance",
              "{\"clusterIdentifier\": \"demo\", \"bootstrapId\": \"9f2c4e1a7b3d5f60\"}"),
          Map.entry(
              "TagResource",
              "{\"resourceArn\": \"" + CLUSTER_ARN + "\", \"tags\": {\"team\": \"hpc\"}}"),
          Map.entry(
              "UntagResource",
              "{\"resourceArn\": \"" + CLUSTER_ARN + "\", \"tagKeys\": [\"team\"]}"),
          Map.entry("ListTagsForResource", "{\"resourceArn\": \"" + CLUSTER_ARN + "\"}"));

  private ValidRequests() {}

  static ObjectNode of(String operationName) {
    String body = BODIES.get(operationName);
    if (body == null) {
      throw new IllegalArgumentException("no sample request for " + operationName);
    }
    try {
      return (ObjectNode) PcsJson.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bad sample request for " + operationName, e);
    }
  }
}
