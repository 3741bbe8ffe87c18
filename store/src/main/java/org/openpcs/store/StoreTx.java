package org.openpcs.store;

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

/**
 * Operations available inside one transaction.
 *
 * <p>Writes use compare-and-set: {@code update*} stores the given record only if the row's version
 * still equals {@code record.version()}, and the stored version becomes {@code version + 1};
 * otherwise it throws {@link StaleVersionException}. {@code insert*} throws {@link
 * DuplicateNameException} when the name is taken in its scope (cluster names server-wide, node
 * group and queue names per cluster) — enforced by unique constraints, so concurrent writers can
 * never create two resources with one name. Returned records carry the version now stored.
 *
 * <p>Lists page by keyset on an insertion sequence: {@code afterSeq} is the {@code lastSeq} of the
 * previous page (0 for the first), so concurrent inserts and deletes never make a reader skip or
 * repeat an item.
 */
public interface StoreTx {

  // --- locks: serialise quota checks with the inserts they guard (SELECT ... FOR UPDATE)

  /** Locks the server-wide cluster set (for the cluster-count quotas) until commit. */
  void lockClusterSet();

  /** Locks one cluster row until commit (for per-cluster quotas and lifecycle rules). */
  void lockCluster(String clusterId);

  // --- clusters

  Cluster insertCluster(Cluster cluster);

  Optional<Cluster> findCluster(String idOrName);

  List<Cluster> allClusters();

  Page<Cluster> listClusters(long afterSeq, int limit);

  Cluster updateCluster(Cluster cluster);

  /** Deletes the cluster with its node groups, queues, tags, secret, ports and instance records. */
  void deleteCluster(String clusterId);

  // --- compute node groups

  ComputeNodeGroup insertNodeGroup(ComputeNodeGroup group);

  Optional<ComputeNodeGroup> findNodeGroup(String clusterId, String idOrName);

  List<ComputeNodeGroup> nodeGroupsOf(String clusterId);

  Page<ComputeNodeGroup> listNodeGroups(String clusterId, long afterSeq, int limit);

  ComputeNodeGroup updateNodeGroup(ComputeNodeGroup group);

  void deleteNodeGroup(String groupId);

  // --- queues

  Queue insertQueue(Queue queue);

  Optional<Queue> findQueue(String clusterId, String idOrName);

  List<Queue> queuesOf(String clusterId);

  Page<Queue> listQueues(String clusterId, long afterSeq, int limit);

  Queue updateQueue(Queue queue);

  void deleteQueue(String queueId);

  // --- tags, keyed by resource id (cluster, node group or queue id)

  Map<String, String> tags(String resourceId);

  /** Adds or overwrites the given tags. */
  void putTags(String resourceId, Map<String, String> tags);

  void removeTags(String resourceId, Collection<String> keys);

  void deleteAllTags(String resourceId);

  // --- idempotency records

  Optional<IdempotencyRecord> findIdempotency(String clientToken);

  /** Throws {@link DuplicateNameException} when the token is already recorded. */
  void insertIdempotency(IdempotencyRecord record);

  /** Removes records created before {@code cutoff}; returns how many. */
  int purgeIdempotency(Instant cutoff);

  // --- access keys

  void insertAccessKey(AccessKey key);

  Optional<AccessKey> findAccessKey(String accessKeyId);

  List<AccessKey> allAccessKeys();

  boolean deleteAccessKey(String accessKeyId);

  // --- cluster runtime: the sealed cluster key, ports of its Slurm daemons, launched instances

  Optional<String> clusterSecret(String clusterId);

  /** Throws {@link DuplicateNameException} when the cluster already has a secret. */
  void putClusterSecret(String clusterId, String sealedSecret);

  /** Owner (a daemon or node name) → port, for one cluster. */
  Map<String, Integer> portsOf(String clusterId);

  java.util.Set<Integer> allocatedPorts();

  /**
   * Throws {@link DuplicateNameException} when the port (or the owner in that cluster) is taken.
   */
  void allocatePort(String clusterId, String owner, int port);

  void releasePorts(String clusterId, Collection<String> owners);

  void insertNodeInstance(org.openpcs.domain.NodeInstance instance);

  Optional<org.openpcs.domain.NodeInstance> findNodeInstance(String bootstrapId);

  List<org.openpcs.domain.NodeInstance> nodeInstancesOf(String clusterId);

  /** Compare-and-set on the instance's version; returns it with the new version. */
  org.openpcs.domain.NodeInstance updateNodeInstance(org.openpcs.domain.NodeInstance instance);

  void deleteNodeInstance(String bootstrapId);

  // --- events: appended by the event sink's writer, read by cursor, purged after the retention

  /** Appends events in list order; each gets the next insertion sequence. */
  void appendEvents(List<org.openpcs.domain.Event> events);

  /** The events {@code query} selects, oldest first; {@code lastSeq} is the reader's cursor. */
  Page<org.openpcs.domain.Event> events(EventQuery query);

  /** Removes events that happened before {@code cutoff}; returns how many. */
  int purgeEvents(Instant cutoff);

  // --- server settings (a small key/value table: e.g. the pagination-token signing key)

  Optional<String> setting(String key);

  /** Stores the value only if the key is absent; returns the value now stored. */
  String settingIfAbsent(String key, String value);

  /** Stores the value, replacing any earlier one. */
  void putSetting(String key, String value);
}
