package org.openpcs.control;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.store.StoreTx;

/** {@link ResourceAccess} for queues. */
public final class QueueAccess implements ResourceAccess<Queue> {
  @Override
  public Optional<Queue> find(StoreTx tx, ResourceKey key) {
    return tx.findQueue(key.clusterId(), key.id());
  }

  @Override
  public ResourceStatus status(Queue q) {
    return q.status();
  }

  @Override
  public String name(Queue q) {
    return q.name();
  }

  @Override
  public List<ErrorInfo> errors(Queue q) {
    return q.errorInfo() == null ? List.of() : q.errorInfo();
  }

  @Override
  public long generation(Queue q) {
    return q.generation();
  }

  @Override
  public long observedGeneration(Queue q) {
    return q.observedGeneration();
  }

  @Override
  public Queue observed(
      Queue q,
      ResourceStatus status,
      List<ErrorInfo> errors,
      List<Endpoint> endpoints,
      Instant now) {
    return q.withObserved(status, errors, q.generation(), now);
  }

  @Override
  public boolean sameObservedState(Queue a, Queue b) {
    return a.status() == b.status()
        && a.errorInfo().equals(b.errorInfo())
        && a.observedGeneration() == b.observedGeneration();
  }

  @Override
  public void update(StoreTx tx, Queue q) {
    tx.updateQueue(q);
  }

  @Override
  public void delete(StoreTx tx, Queue q) {
    tx.deleteQueue(q.id());
  }

  @Override
  public List<ResourceKey> keys(StoreTx tx) {
    return tx.allClusters().stream()
        .flatMap(c -> tx.queuesOf(c.id()).stream())
        .map(q -> ResourceKey.queue(q.clusterId(), q.id()))
        .toList();
  }
}
