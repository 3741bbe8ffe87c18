package org.openpcs.store.jdbc;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpcs.domain.AccessKey;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.IdempotencyRecord;
import org.openpcs.domain.Queue;
import org.openpcs.store.Page;
import org.openpcs.store.StoreTx;

/** One transaction's view of the store: routes each port operation to its table. */
final class JdbcStoreTx implements StoreTx {
  private static final String CLUSTER_SET_LOCK = "clusters";

  private final Sql sql;
  private final TagRows tags;
  private final ResourceRows<Cluster> clusters;
  private final ResourceRows<ComputeNodeGroup> nodeGroups;
  private final ResourceRows<Queue> queues;
  private final IdempotencyRows idempotency;
  private final AccessKeyRows accessKeys;
  private final SettingRows settings;
  private final RuntimeRows runtime;
  private final EventRows events;

  JdbcStoreTx(Sql sql) {
    this.sql = sql;
    this.tags = new TagRows(sql);
    this.clusters = new ResourceRows<>(sql, ResourceTable.CLUSTERS, tags);
    this.nodeGroups = new ResourceRows<>(sql, ResourceTable.NODE_GROUPS, tags);
    this.queues = new ResourceRows<>(sql, ResourceTable.QUEUES, tags);
    this.idempotency = new IdempotencyRows(sql);
    this.accessKeys = new AccessKeyRows(sql);
    this.settings = new SettingRows(sql);
    this.runtime = new RuntimeRows(sql);
    this.events = new EventRows(sql);
  }

  @Override
  public void lockClusterSet() {
    // A fixed row stands for the set: the quota guards inserts of rows that do not exist yet.
    if (sql.lockingQuery(
            "SELECT name FROM store_locks WHERE name = ? FOR UPDATE",
            rs -> rs.getString(1),
            CLUSTER_SET_LOCK)
        .isEmpty()) {
      throw new IllegalStateException("lock row '" + CLUSTER_SET_LOCK + "' is missing");
    }
  }

  @Override
  public void lockCluster(String clusterId) {
    clusters.lock(clusterId);
  }

  @Override
  public Cluster insertCluster(Cluster cluster) {
    return clusters.insert(cluster);
  }

  @Override
  public Optional<Cluster> findCluster(String idOrName) {
    return clusters.find(null, idOrName);
  }

  @Override
  public List<Cluster> allClusters() {
    return clusters.all(null);
  }

  @Override
  public Page<Cluster> listClusters(long afterSeq, int limit) {
    return clusters.page(null, afterSeq, limit);
  }

  @Override
  public Cluster updateCluster(Cluster cluster) {
    return clusters.update(cluster);
  }

  /** Also deletes the cluster's node groups and queues (with all their tags). */
  @Override
  public void deleteCluster(String clusterId) {
    nodeGroups.deleteAllOf(clusterId);
    queues.deleteAllOf(clusterId);
    runtime.deleteAllOf(clusterId);
    clusters.delete(clusterId);
  }

  @Override
  public Optional<String> clusterSecret(String clusterId) {
    return runtime.secret(clusterId);
  }

  @Override
  public void putClusterSecret(String clusterId, String sealedSecret) {
    runtime.putSecret(clusterId, sealedSecret);
  }

  @Override
  public Map<String, Integer> portsOf(String clusterId) {
    return runtime.ports(clusterId);
  }

  @Override
  public java.util.Set<Integer> allocatedPorts() {
    return runtime.allPorts();
  }

  @Override
  public void allocatePort(String clusterId, String owner, int port) {
    runtime.allocate(clusterId, owner, port);
  }

  @Override
  public void releasePorts(String clusterId, Collection<String> owners) {
    runtime.release(clusterId, owners);
  }

  @Override
  public void insertNodeInstance(org.openpcs.domain.NodeInstance instance) {
    runtime.insertInstance(instance);
  }

  @Override
  public Optional<org.openpcs.domain.NodeInstance> findNodeInstance(String bootstrapId) {
    return runtime.findInstance(bootstrapId);
  }

  @Override
  public List<org.openpcs.domain.NodeInstance> nodeInstancesOf(String clusterId) {
    return runtime.instancesOf(clusterId);
  }

  @Override
  public org.openpcs.domain.NodeInstance updateNodeInstance(
      org.openpcs.domain.NodeInstance instance) {
    return runtime.updateInstance(instance);
  }

  @Override
  public void deleteNodeInstance(String bootstrapId) {
    runtime.deleteInstance(bootstrapId);
  }

  @Override
  public ComputeNodeGroup insertNodeGroup(ComputeNodeGroup group) {
    return nodeGroups.insert(group);
  }

  @Override
  public Optional<ComputeNodeGroup> findNodeGroup(String clusterId, String idOrName) {
    return nodeGroups.find(clusterId, idOrName);
  }

  @Override
  public List<ComputeNodeGroup> nodeGroupsOf(String clusterId) {
    return nodeGroups.all(clusterId);
  }

  @Override
  public Page<ComputeNodeGroup> listNodeGroups(String clusterId, long afterSeq, int limit) {
    return nodeGroups.page(clusterId, afterSeq, limit);
  }

  @Override
  public ComputeNodeGroup updateNodeGroup(ComputeNodeGroup group) {
    return nodeGroups.update(group);
  }

  @Override
  public void deleteNodeGroup(String groupId) {
    nodeGroups.delete(groupId);
  }

  @Override
  public Queue insertQueue(Queue queue) {
    return queues.insert(queue);
  }

  @Override
  public Optional<Queue> findQueue(String clusterId, String idOrName) {
    return queues.find(clusterId, idOrName);
  }

  @Override
  public List<Queue> queuesOf(String clusterId) {
    return queues.all(clusterId);
  }

  @Override
  public Page<Queue> listQueues(String clusterId, long afterSeq, int limit) {
    return queues.page(clusterId, afterSeq, limit);
  }

  @Override
  public Queue updateQueue(Queue queue) {
    return queues.update(queue);
  }

  @Override
  public void deleteQueue(String queueId) {
    queues.delete(queueId);
  }

  @Override
  public Map<String, String> tags(String resourceId) {
    return tags.of(resourceId);
  }

  @Override
  public void putTags(String resourceId, Map<String, String> newTags) {
    tags.put(resourceId, newTags);
  }

  @Override
  public void removeTags(String resourceId, Collection<String> keys) {
    tags.remove(resourceId, keys);
  }

  @Override
  public void deleteAllTags(String resourceId) {
    tags.deleteAll(resourceId);
  }

  @Override
  public Optional<IdempotencyRecord> findIdempotency(String clientToken) {
    return idempotency.find(clientToken);
  }

  @Override
  public void insertIdempotency(IdempotencyRecord record) {
    idempotency.insert(record);
  }

  @Override
  public int purgeIdempotency(Instant cutoff) {
    return idempotency.purge(cutoff);
  }

  @Override
  public void insertAccessKey(AccessKey key) {
    accessKeys.insert(key);
  }

  @Override
  public Optional<AccessKey> findAccessKey(String accessKeyId) {
    return accessKeys.find(accessKeyId);
  }

  @Override
  public List<AccessKey> allAccessKeys() {
    return accessKeys.all();
  }

  @Override
  public boolean deleteAccessKey(String accessKeyId) {
    return accessKeys.delete(accessKeyId);
  }

  @Override
  public void appendEvents(List<org.openpcs.domain.Event> list) {
    events.append(list);
  }

  @Override
  public Page<org.openpcs.domain.Event> events(org.openpcs.store.EventQuery query) {
    return events.page(query);
  }

  @Override
  public int purgeEvents(Instant cutoff) {
    return events.purge(cutoff);
  }

  @Override
  public Optional<String> setting(String key) {
    return settings.get(key);
  }

  @Override
  public String settingIfAbsent(String key, String value) {
    return settings.putIfAbsent(key, value);
  }

  @Override
  public void putSetting(String key, String value) {
    settings.put(key, value);
  }
}
