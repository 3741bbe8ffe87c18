package org.openpcs.control;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.StoreTx;

/** {@link ResourceAccess} for clusters. */
public final class ClusterAccess implements ResourceAccess<Cluster> {
  @Override
  public Optional<Cluster> find(StoreTx tx, ResourceKey key) {
    return tx.findCluster(key.id());
  }

  @Override
  public ResourceStatus status(Cluster c) {
    return c.status();
  }

  @Override
  public String name(Cluster c) {
    return c.name();
  }

  @Override
  public List<ErrorInfo> errors(Cluster c) {
    return c.errorInfo() == null ? List.of() : c.errorInfo();
  }

  @Override
  public long generation(Cluster c) {
    return c.generation();
  }

  @Override
  public long observedGeneration(Cluster c) {
    return c.observedGeneration();
  }

  @Override
  public Cluster observed(
      Cluster c,
      ResourceStatus status,
      List<ErrorInfo> errors,
      List<Endpoint> endpoints,
      Instant now) {
    return c.withObserved(
        status, errors, endpoints == null ? c.endpoints() : endpoints, c.generation(), now);
  }

  @Override
  public boolean sameObservedState(Cluster a, Cluster b) {
    return a.status() == b.status()
        && a.errorInfo().equals(b.errorInfo())
        && a.observedGeneration() == b.observedGeneration()
        && a.endpoints().equals(b.endpoints());
  }

  @Override
  public void update(StoreTx tx, Cluster c) {
    tx.updateCluster(c);
  }

  @Override
  public void delete(StoreTx tx, Cluster c) {
    tx.deleteCluster(c.id());
  }

  @Override
  public List<ResourceKey> keys(StoreTx tx) {
    return tx.allClusters().stream().map(c -> ResourceKey.cluster(c.id())).toList();
  }
}
