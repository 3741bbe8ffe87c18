package org.openpcs.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.Queue;
import org.openpcs.domain.QueueSpec;

/**
 * How one resource kind maps onto its table: the table's shape ({@code child}: has a cluster_id;
 * {@code hasEndpoints}) and the conversions between the domain record and a {@link ResourceRow}.
 */
record ResourceTable<T>(
    String table,
    String label,
    boolean child,
    boolean hasEndpoints,
    Function<T, ResourceRow> toRow,
    Function<ResourceRow, T> fromRow,
    BiFunction<T, Long, T> withVersion) {

  private static final TypeReference<List<ErrorInfo>> ERRORS = new TypeReference<>() {};
  private static final TypeReference<List<Endpoint>> ENDPOINTS = new TypeReference<>() {};

  /** Column names in insert order. */
  List<String> columns() {
    List<String> columns = new ArrayList<>(List.of("id"));
    if (child) {
      columns.add("cluster_id");
    }
    columns.addAll(List.of("name", "spec", "status", "error_info"));
    if (hasEndpoints) {
      columns.add("endpoints");
    }
    columns.addAll(
        List.of("generation", "observed_generation", "version", "created_at_ns", "modified_at_ns"));
    return columns;
  }

  static final ResourceTable<Cluster> CLUSTERS =
      new ResourceTable<>(
          "clusters",
          "cluster",
          false,
          true,
          c ->
              new ResourceRow(
                  c.id(),
                  null,
                  c.name(),
                  Json.write(c.spec()),
                  c.status(),
                  Json.write(c.errorInfo()),
                  Json.write(c.endpoints()),
                  c.generation(),
                  c.observedGeneration(),
                  c.version(),
                  c.createdAt(),
                  c.modifiedAt()),
          r ->
              new Cluster(
                  r.id(),
                  r.name(),
                  Json.read(r.spec(), ClusterSpec.class),
                  r.status(),
                  Json.read(r.errorInfo(), ERRORS),
                  Json.read(r.endpoints(), ENDPOINTS),
                  r.generation(),
                  r.observedGeneration(),
                  r.version(),
                  r.createdAt(),
                  r.modifiedAt()),
          (c, v) ->
              new Cluster(
                  c.id(),
                  c.name(),
                  c.spec(),
                  c.status(),
                  c.errorInfo(),
                  c.endpoints(),
                  c.generation(),
                  c.observedGeneration(),
                  v,
                  c.createdAt(),
                  c.modifiedAt()));

  static final ResourceTable<ComputeNodeGroup> NODE_GROUPS =
      new ResourceTable<>(
          "node_groups",
          "compute node group",
          true,
          false,
          g ->
              new ResourceRow(
                  g.id(),
                  g.clusterId(),
                  g.name(),
                  Json.write(g.spec()),
                  g.status(),
                  Json.write(g.errorInfo()),
                  null,
                  g.generation(),
                  g.observedGeneration(),
                  g.version(),
                  g.createdAt(),
                  g.modifiedAt()),
          r ->
              new ComputeNodeGroup(
                  r.id(),
                  r.clusterId(),
                  r.name(),
                  Json.read(r.spec(), NodeGroupSpec.class),
                  r.status(),
                  Json.read(r.errorInfo(), ERRORS),
                  r.generation(),
                  r.observedGeneration(),
                  r.version(),
                  r.createdAt(),
                  r.modifiedAt()),
          (g, v) ->
              new ComputeNodeGroup(
                  g.id(),
                  g.clusterId(),
                  g.name(),
                  g.spec(),
                  g.status(),
                  g.errorInfo(),
                  g.generation(),
                  g.observedGeneration(),
                  v,
                  g.createdAt(),
                  g.modifiedAt()));

  static final ResourceTable<Queue> QUEUES =
      new ResourceTable<>(
          "queues",
          "queue",
          true,
          false,
          q ->
              new ResourceRow(
                  q.id(),
                  q.clusterId(),
                  q.name(),
                  Json.write(q.spec()),
                  q.status(),
                  Json.write(q.errorInfo()),
                  null,
                  q.generation(),
                  q.observedGeneration(),
                  q.version(),
                  q.createdAt(),
                  q.modifiedAt()),
          r ->
              new Queue(
                  r.id(),
                  r.clusterId(),
                  r.name(),
                  Json.read(r.spec(), QueueSpec.class),
                  r.status(),
                  Json.read(r.errorInfo(), ERRORS),
                  r.generation(),
                  r.observedGeneration(),
                  r.version(),
                  r.createdAt(),
                  r.modifiedAt()),
          (q, v) ->
              new Queue(
                  q.id(),
                  q.clusterId(),
                  q.name(),
                  q.spec(),
                  q.status(),
                  q.errorInfo(),
                  q.generation(),
                  q.observedGeneration(),
                  v,
                  q.createdAt(),
                  q.modifiedAt()));
}
