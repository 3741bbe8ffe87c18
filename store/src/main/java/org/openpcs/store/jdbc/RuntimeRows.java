package org.openpcs.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openpcs.domain.NodeInstance;
import org.openpcs.store.StaleVersionException;

/** Cluster secrets, port allocations and node instances. */
final class RuntimeRows {
  private static final String INSTANCE_COLUMNS =
      "bootstrap_id, cluster_id, node_group_id, node_name, instance_id, instance_type, launch_token, state, message,"
          + " created_at_ns, registered_at_ns, heartbeat_at_ns, version";
  private final Sql sql;

  RuntimeRows(Sql sql) {
    this.sql = sql;
  }

  Optional<String> secret(String clusterId) {
    return sql.queryOne(
        "SELECT sealed_secret FROM cluster_secrets WHERE cluster_id = ?",
        rs -> rs.getString(1),
        clusterId);
  }

  void putSecret(String clusterId, String sealed) {
    sql.updateUnique(
        "cluster " + clusterId + " already has a secret",
        "INSERT INTO cluster_secrets (cluster_id, sealed_secret) VALUES (?, ?)",
        clusterId,
        sealed);
  }

  Map<String, Integer> ports(String clusterId) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    sql.query(
            "SELECT owner, port FROM port_allocations WHERE cluster_id = ? ORDER BY port",
            rs -> Map.entry(rs.getString(1), rs.getInt(2)),
            clusterId)
        .forEach(e -> ports.put(e.getKey(), e.getValue()));
    return ports;
  }

  Set<Integer> allPorts() {
    return new HashSet<>(sql.query("SELECT port FROM port_allocations", rs -> rs.getInt(1)));
  }

  void allocate(String clusterId, String owner, int port) {
    sql.updateUnique(
        "port " + port + " or owner " + owner + " is already allocated",
        "INSERT INTO port_allocations (port, cluster_id, owner) VALUES (?, ?, ?)",
        port,
        clusterId,
        owner);
  }

  void release(String clusterId, Collection<String> owners) {
    for (String owner : owners) {
      sql.update(
          "DELETE FROM port_allocations WHERE cluster_id = ? AND owner = ?", clusterId, owner);
    }
  }

  void insertInstance(NodeInstance i) {
    sql.updateUnique(
        "bootstrap id already used",
        "INSERT INTO node_instances ("
            + INSTANCE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        i.bootstrapId(),
        i.clusterId(),
        i.nodeGroupId(),
        i.nodeName(),
        i.instanceId(),
        i.instanceType(),
        i.launchToken(),
        i.state(),
        i.message(),
        i.createdAt(),
        Sql.nullableInstant(i.registeredAt()),
        Sql.nullableInstant(i.lastHeartbeatAt()),
        i.version());
  }

  Optional<NodeInstance> findInstance(String bootstrapId) {
    return sql.queryOne(
        "SELECT " + INSTANCE_COLUMNS + " FROM node_instances WHERE bootstrap_id = ?",
        RuntimeRows::read,
        bootstrapId);
  }

  List<NodeInstance> instancesOf(String clusterId) {
    return sql.query(
        "SELECT "
            + INSTANCE_COLUMNS
            + " FROM node_instances WHERE cluster_id = ? ORDER BY created_at_ns, bootstrap_id",
        RuntimeRows::read,
        clusterId);
  }

  NodeInstance updateInstance(NodeInstance i) {
    int n =
        sql.update(
            "UPDATE node_instances SET instance_id = ?, state = ?, message = ?, registered_at_ns = ?, heartbeat_at_ns = ?,"
                + " version = ? WHERE bootstrap_id = ? AND version = ?",
            i.instanceId(),
            i.state(),
            i.message(),
            Sql.nullableInstant(i.registeredAt()),
            Sql.nullableInstant(i.lastHeartbeatAt()),
            i.version() + 1,
            i.bootstrapId(),
            i.version());
    if (n == 0) {
      throw new StaleVersionException(
          "node instance " + i.bootstrapId() + " changed concurrently or is gone");
    }
    return new NodeInstance(
        i.bootstrapId(),
        i.clusterId(),
        i.nodeGroupId(),
        i.nodeName(),
        i.instanceId(),
        i.instanceType(),
        i.launchToken(),
        i.state(),
        i.message(),
        i.createdAt(),
        i.registeredAt(),
        i.lastHeartbeatAt(),
        i.version() + 1);
  }

  void deleteInstance(String bootstrapId) {
    sql.update("DELETE FROM node_instances WHERE bootstrap_id = ?", bootstrapId);
  }

  /** Everything of a deleted cluster. */
  void deleteAllOf(String clusterId) {
    sql.update("DELETE FROM cluster_secrets WHERE cluster_id = ?", clusterId);
    sql.update("DELETE FROM port_allocations WHERE cluster_id = ?", clusterId);
    sql.update("DELETE FROM node_instances WHERE cluster_id = ?", clusterId);
  }

  private static NodeInstance read(ResultSet rs) throws SQLException {
    return new NodeInstance(
        rs.getString("bootstrap_id"),
        rs.getString("cluster_id"),
        rs.getString("node_group_id"),
        rs.getString("node_name"),
        rs.getString("instance_id"),
        rs.getString("instance_type"),
        rs.getString("launch_token"),
        rs.getString("state"),
        rs.getString("message"),
        Sql.instant(rs, "created_at_ns"),
        nullableInstant(rs, "registered_at_ns"),
        nullableInstant(rs, "heartbeat_at_ns"),
        rs.getLong("version"));
  }

  private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
    rs.getLong(column);
    return rs.wasNull() ? null : Sql.instant(rs, column);
  }
}
