package org.openpcs.control;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.StoreTx;

/** {@link ResourceAccess} for compute node groups. */
public final class NodeGroupAccess implements ResourceAccess<ComputeNodeGroup> {
  @Override
  public Optional<ComputeNodeGroup> find(StoreTx tx, ResourceKey key) {
    return tx.findNodeGroup(key.clusterId(), key.id());
  }

  @Override
  public ResourceStatus status(ComputeNodeGroup g) {
    return g.status();
  }

  @Override
  public String name(ComputeNodeGroup g) {
    return g.name();
  }

  @Override
  public List<ErrorInfo> errors(ComputeNodeGroup g) {
    return g.errorInfo() == null ? List.of() : g.errorInfo();
  }

  @Override
  public long generation(ComputeNodeGroup g) {
    return g.generation();
  }

  @Override
  public long observedGeneration(ComputeNodeGroup g) {
    return g.observedGeneration();
  }

  @Override
  public ComputeNodeGroup observed(
      ComputeNodeGroup g,
      ResourceStatus status,
      List<ErrorInfo> errors,
      List<Endpoint> endpoints,
      Instant now) {
    return g.withObserved(status, errors, g.generation(), now);
  }

  @Override
  public boolean sameObservedState(ComputeNodeGroup a, ComputeNodeGroup b) {
    return a.status() == b.status()
        && a.errorInfo().equals(b.errorInfo())
        && a.observedGeneration() == b.observedGeneration();
  }

  @Override
  public void update(StoreTx tx, ComputeNodeGroup g) {
    tx.updateNodeGroup(g);
  }

  @Override
  public void delete(StoreTx tx, ComputeNodeGroup g) {
    tx.deleteNodeGroup(g.id());
  }

  @Override
  public List<ResourceKey> keys(StoreTx tx) {
    return tx.allClusters().stream()
        .flatMap(c -> tx.nodeGroupsOf(c.id()).stream())
        .map(g -> ResourceKey.nodeGroup(g.clusterId(), g.id()))
        .toList();
  }
}
