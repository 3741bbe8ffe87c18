package org.openpcs.server.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openpcs.api.model.CreateClusterRequest;
import org.openpcs.api.model.CreateComputeNodeGroupRequest;
import org.openpcs.api.model.CreateQueueRequest;
import org.openpcs.api.model.DeleteClusterRequest;
import org.openpcs.api.model.DeleteComputeNodeGroupRequest;
import org.openpcs.api.model.DeleteQueueRequest;
import org.openpcs.api.model.GetClusterRequest;
import org.openpcs.api.model.GetComputeNodeGroupRequest;
import org.openpcs.api.model.GetQueueRequest;
import org.openpcs.api.model.ListClustersRequest;
import org.openpcs.api.model.ListComputeNodeGroupsRequest;
import org.openpcs.api.model.ListQueuesRequest;
import org.openpcs.api.model.ListTagsForResourceRequest;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceRequest;
import org.openpcs.api.model.TagResourceRequest;
import org.openpcs.api.model.UntagResourceRequest;
import org.openpcs.api.model.UpdateClusterRequest;
import org.openpcs.api.model.UpdateComputeNodeGroupRequest;
import org.openpcs.api.model.UpdateQueueRequest;

/**
 * Every PCS operation and its handler, in one list. Adding an operation: add its line here, a
 * handler method in the resource's *Ops class, and a test in the SDK suite (see
 * docs/adding-an-operation.md).
 */
public final class OperationTable {
  private final Map<String, Operation<?>> operations = new LinkedHashMap<>();

  /** Operations outside the PCS model, by full X-Amz-Target (e.g. {@code OpenPCS.ListEvents}). */
  private final Map<String, Operation<?>> extensions = new LinkedHashMap<>();

  /** Target prefix of the administrator's extension operations (logs, events). */
  public static final String EXTENSION_PREFIX = "OpenPCS.";

  /** Operations a node access key may call; everything else needs an administrator key. */
  public static final java.util.Set<String> NODE_KEY_OPERATIONS =
      java.util.Set.of("RegisterComputeNodeGroupInstance", "Heartbeat");

  public OperationTable(
      ClusterOps clusters,
      NodeGroupOps groups,
      QueueOps queues,
      TagOps tags,
      RegistrationOps registration,
      AgentOps agents) {
    extend(AgentOps.TARGET_PREFIX + "Heartbeat", agents::heartbeat);
    add(
        "CreateCluster",
        CreateClusterRequest.class,
        true,
        clusters::create,
        clusters::precheckCreate);
    add("GetCluster", GetClusterRequest.class, false, clusters::get);
    add("ListClusters", ListClustersRequest.class, false, clusters::list);
    add(
        "UpdateCluster",
        UpdateClusterRequest.class,
        true,
        clusters::update,
        ClusterOps::precheckUpdate);
    add("DeleteCluster", DeleteClusterRequest.class, true, clusters::delete);
    add(
        "CreateComputeNodeGroup",
        CreateComputeNodeGroupRequest.class,
        true,
        groups::create,
        groups::precheckCreate);
    add("GetComputeNodeGroup", GetComputeNodeGroupRequest.class, false, groups::get);
    add("ListComputeNodeGroups", ListComputeNodeGroupsRequest.class, false, groups::list);
    add("UpdateComputeNodeGroup", UpdateComputeNodeGroupRequest.class, true, groups::update);
    add("DeleteComputeNodeGroup", DeleteComputeNodeGroupRequest.class, true, groups::delete);
    add("CreateQueue", CreateQueueRequest.class, true, queues::create, QueueOps::precheckCreate);
    add("GetQueue", GetQueueRequest.class, false, queues::get);
    add("ListQueues", ListQueuesRequest.class, false, queues::list);
    add("UpdateQueue", UpdateQueueRequest.class, true, queues::update);
    add("DeleteQueue", DeleteQueueRequest.class, true, queues::delete);
    add(
        "RegisterComputeNodeGroupInstance",
        RegisterComputeNodeGroupInstanceRequest.class,
        false,
        registration::register);
    add("TagResource", TagResourceRequest.class, false, tags::tag);
    add("UntagResource", UntagResourceRequest.class, false, tags::untag);
    add("ListTagsForResource", ListTagsForResourceRequest.class, false, tags::list);
  }

  private <I> void add(
      String name, Class<I> type, boolean idempotent, Operation.Handler<I> handler) {
    operations.put(name, new Operation<>(name, type, idempotent, handler));
  }

  private <I> void add(
      String name,
      Class<I> type,
      boolean idempotent,
      Operation.Handler<I> handler,
      Operation.Precheck<I> precheck) {
    operations.put(name, new Operation<>(name, type, idempotent, handler, precheck));
  }

  public Optional<Operation<?>> find(String name) {
    return Optional.ofNullable(operations.get(name));
  }

  /**
   * Adds an operation outside the PCS model, reached by its full {@code X-Amz-Target} ({@code
   * OpenPCSAgent.<name>} for node agents, {@link #EXTENSION_PREFIX}{@code <name>} for
   * administrators). Its input is the raw JSON body: the handler validates it and names every bad
   * field. Only {@link #NODE_KEY_OPERATIONS} are open to node keys.
   */
  public OperationTable extend(
      String target, Operation.Handler<com.fasterxml.jackson.databind.JsonNode> handler) {
    String name = target.substring(target.indexOf('.') + 1);
    extensions.put(
        target,
        new Operation<>(name, com.fasterxml.jackson.databind.JsonNode.class, false, handler));
    return this;
  }

  /** An operation outside the PCS model, by its full X-Amz-Target. */
  public Optional<Operation<?>> findExtension(String target) {
    return Optional.ofNullable(extensions.get(target));
  }

  public Iterable<String> names() {
    return operations.keySet();
  }
}
