package org.openpcs.server.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openpcs.api.error.ConflictException;
import org.openpcs.api.error.ServiceQuotaExceededException;
import org.openpcs.api.model.ComputeNodeGroupConfiguration;
import org.openpcs.api.model.CreateQueueRequest;
import org.openpcs.api.model.CreateQueueResponse;
import org.openpcs.api.model.DeleteQueueRequest;
import org.openpcs.api.model.DeleteQueueResponse;
import org.openpcs.api.model.GetQueueRequest;
import org.openpcs.api.model.GetQueueResponse;
import org.openpcs.api.model.ListQueuesRequest;
import org.openpcs.api.model.ListQueuesResponse;
import org.openpcs.api.model.SlurmCustomSetting;
import org.openpcs.api.model.UpdateQueueRequest;
import org.openpcs.api.model.UpdateQueueResponse;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.Lifecycle;
import org.openpcs.domain.Queue;
import org.openpcs.domain.QueueSpec;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.SettingLevel;
import org.openpcs.store.Page;
import org.openpcs.store.StoreTx;

/** The five queue operations. */
public final class QueueOps {
  private static final String TYPE = ResourceKind.QUEUE.arnType;
  private static final String SETTINGS_PATH = "slurmConfiguration.slurmCustomSettings";
  private final ApiServices services;

  public QueueOps(ApiServices services) {
    this.services = services;
  }

  public CreateQueueResponse create(CreateQueueRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    Problems problems = new Problems();
    List<String> groupIds = groupIds(tx, cluster, r.computeNodeGroupConfigurations(), problems);
    List<CustomSetting> settings =
        settings(
            r.slurmConfiguration() == null ? null : r.slurmConfiguration().slurmCustomSettings(),
            problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    problems.throwIfAny();

    tx.lockCluster(cluster.id());
    ChildRules.requireAcceptsChildren(cluster);
    if (tx.findQueue(cluster.id(), r.queueName()).isPresent()) {
      throw new ConflictException(
          "A queue named " + r.queueName() + " already exists in cluster " + cluster.name() + ".",
          r.queueName(),
          TYPE);
    }
    int limit = services.quotas().queuesPerCluster();
    if (tx.queuesOf(cluster.id()).size() >= limit) {
      throw new ServiceQuotaExceededException(
          "A cluster can have at most " + limit + " queues.",
          cluster.id(),
          ResourceKind.CLUSTER.arnType,
          "queues-per-cluster");
    }
    Queue queue =
        tx.insertQueue(
            new Queue(
                services.ids().newResourceId(),
                cluster.id(),
                r.queueName(),
                new QueueSpec(groupIds, ClusterSpecs.orEmpty(settings)),
                ResourceStatus.CREATING,
                List.of(),
                1,
                0,
                0,
                ctx.now(),
                ctx.now()));
    Tags.apply(tx, queue.id(), TYPE, r.tags(), services.quotas().tagsPerResource());
    notifyChanged(queue, ctx);
    return new CreateQueueResponse(Wire.queue(queue, services.arns()));
  }

  /** Semantic problems of a CreateQueue that need no stored state. */
  public static List<org.openpcs.api.error.ValidationException.Field> precheckCreate(
      CreateQueueRequest r) {
    Problems problems = new Problems();
    settings(
        r.slurmConfiguration() == null ? null : r.slurmConfiguration().slurmCustomSettings(),
        problems);
    Tags.checkKeys(r.tags(), "tags", problems);
    return problems.fields();
  }

  public GetQueueResponse get(GetQueueRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    return new GetQueueResponse(
        Wire.queue(Lookup.queue(tx, cluster, r.queueIdentifier()), services.arns()));
  }

  public ListQueuesResponse list(ListQueuesRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    String scope = "queues/" + cluster.id();
    long after = r.nextToken() == null ? 0 : services.pageTokens().open(scope, r.nextToken());
    Page<Queue> page = tx.listQueues(cluster.id(), after, Paging.limit(r.maxResults()));
    return new ListQueuesResponse(
        page.items().stream().map(q -> Wire.queueSummary(q, services.arns())).toList(),
        page.more() ? services.pageTokens().issue(scope, page.lastSeq()) : null);
  }

  public UpdateQueueResponse update(UpdateQueueRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    Queue queue = Lookup.queue(tx, cluster, r.queueIdentifier());
    Problems problems = new Problems();
    List<String> groupIds =
        r.computeNodeGroupConfigurations() == null
            ? queue.spec().computeNodeGroupIds()
            : groupIds(tx, cluster, r.computeNodeGroupConfigurations(), problems);
    List<CustomSetting> settings =
        settings(
            r.slurmConfiguration() == null ? null : r.slurmConfiguration().slurmCustomSettings(),
            problems);
    problems.throwIfAny();

    tx.lockCluster(cluster.id());
    ChildRules.requireUpdatable(cluster, queue.status(), "queue " + queue.name(), queue.id(), TYPE);
    QueueSpec spec =
        new QueueSpec(groupIds, Settings.orElse(settings, queue.spec().slurmCustomSettings()));
    Queue updated = tx.updateQueue(queue.withSpec(spec, ResourceStatus.UPDATING, ctx.now()));
    notifyChanged(updated, ctx);
    return new UpdateQueueResponse(Wire.queue(updated, services.arns()));
  }

  public DeleteQueueResponse delete(DeleteQueueRequest r, StoreTx tx, CallContext ctx) {
    Cluster cluster = Lookup.cluster(tx, r.clusterIdentifier());
    Queue queue = Lookup.queue(tx, cluster, r.queueIdentifier());
    tx.lockCluster(cluster.id());
    if (Lifecycle.alreadyDeleting(queue.status())) {
      return new DeleteQueueResponse();
    }
    Queue deleting =
        tx.updateQueue(queue.withStatus(ResourceStatus.DELETING, queue.errorInfo(), ctx.now()));
    notifyChanged(deleting, ctx);
    return new DeleteQueueResponse();
  }

  /** Resolves each configured group (by id, or by name for convenience) to a live group's id. */
  private static List<String> groupIds(
      StoreTx tx, Cluster cluster, List<ComputeNodeGroupConfiguration> configs, Problems problems) {
    List<String> ids = new ArrayList<>();
    if (configs == null) {
      return ids;
    }
    for (int i = 0; i < configs.size(); i++) {
      String field = "computeNodeGroupConfigurations[" + i + "].computeNodeGroupId";
      String ref = configs.get(i).computeNodeGroupId();
      if (ref == null) {
        problems.add(field, "Member must not be null");
        continue;
      }
      Optional<ComputeNodeGroup> group = tx.findNodeGroup(cluster.id(), ref);
      if (group.isEmpty()) {
        problems.add(
            field,
            "The compute node group " + ref + " does not exist in cluster " + cluster.name() + ".");
      } else if (Lifecycle.alreadyDeleting(group.get().status())) {
        problems.add(field, "The compute node group " + ref + " is being deleted.");
      } else if (ids.contains(group.get().id())) {
        problems.add(field, "The compute node group " + ref + " is listed twice.");
      } else {
        ids.add(group.get().id());
      }
    }
    return ids;
  }

  private static List<CustomSetting> settings(List<SlurmCustomSetting> l, Problems p) {
    return Settings.convert(
        l,
        SlurmCustomSetting::parameterName,
        SlurmCustomSetting::parameterValue,
        SettingLevel.PARTITION_LINE,
        SETTINGS_PATH,
        p);
  }

  private void notifyChanged(Queue q, CallContext ctx) {
    ctx.afterCommit(() -> services.notifier().changed(ResourceKind.QUEUE, q.clusterId(), q.id()));
  }
}
