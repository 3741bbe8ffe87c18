package org.openpcs.control.slurm;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openpcs.control.Outcome;
import org.openpcs.control.ResourceBackend;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Queue;
import org.openpcs.store.Store;

/**
 * The real backends: clusters are Slurm controllers, node groups are Slurm nodes backed by
 * instances, queues are partitions. Each reports Ready only once Slurm really has the resource.
 */
public final class SlurmBackends {
  private static final Duration SOON = Duration.ofSeconds(1);
  private final ClusterRuntime runtime;
  private final StaticCapacity capacity;
  private final Store store;

  public SlurmBackends(ClusterRuntime runtime, StaticCapacity capacity, Store store) {
    this.runtime = runtime;
    this.capacity = capacity;
    this.store = store;
  }

  public ResourceBackend<Cluster> clusters() {
    return new ResourceBackend<>() {
      @Override
      public Outcome converge(Cluster c) {
        return runtime.sync(c.id());
      }

      @Override
      public Outcome remove(Cluster c) {
        return runtime.remove(c.id());
      }
    };
  }

  public ResourceBackend<ComputeNodeGroup> nodeGroups() {
    return new ResourceBackend<>() {
      @Override
      public Outcome converge(ComputeNodeGroup g) {
        Outcome controller = runtime.sync(g.clusterId());
        if (!(controller instanceof Outcome.Ready)) {
          return childOutcome(controller);
        }
        boolean login = !inSomeQueue(g);
        if (!login) {
          Optional<Set<String>> nodes = runtime.slurmNodes(g.clusterId());
          if (nodes.isEmpty() || !nodes.get().containsAll(NodeNames.all(g))) {
            return new Outcome.InProgress(SOON);
          }
        }
        List<ErrorInfo> problems = capacity.ensure(g, login, runtime);
        // A lost node held now is released by a pass after its hold (D33), not the next resync.
        return new Outcome.Ready(
            List.of(), problems, runtime.nodes().untilNextRelease(g.clusterId()).orElse(null));
      }

      @Override
      public Outcome remove(ComputeNodeGroup g) {
        if (capacity.terminateAll(g, runtime) > 0) {
          return new Outcome.InProgress(SOON);
        }
        // With its instances gone the group is no longer rendered; wait until Slurm dropped it.
        Outcome controller = runtime.sync(g.clusterId());
        return controller instanceof Outcome.Failed ? controller : new Outcome.Ready(List.of());
      }
    };
  }

  public ResourceBackend<Queue> queues() {
    return new ResourceBackend<>() {
      @Override
      public Outcome converge(Queue q) {
        Outcome controller = runtime.sync(q.clusterId());
        if (!(controller instanceof Outcome.Ready)) {
          return childOutcome(controller);
        }
        Optional<Set<String>> partitions = runtime.slurmPartitions(q.clusterId());
        return partitions.isPresent() && partitions.get().contains(q.name())
            ? new Outcome.Ready(List.of())
            : new Outcome.InProgress(SOON);
      }

      @Override
      public Outcome remove(Queue q) {
        Outcome controller = runtime.sync(q.clusterId());
        if (controller instanceof Outcome.Failed) {
          return controller;
        }
        // The partition drains while jobs remain in it; it is dropped only when they are gone.
        Optional<Set<String>> partitions = runtime.slurmPartitions(q.clusterId());
        return partitions.isPresent() && !partitions.get().contains(q.name())
            ? new Outcome.Ready(List.of())
            : new Outcome.InProgress(Duration.ofSeconds(2));
      }
    };
  }

  private boolean inSomeQueue(ComputeNodeGroup g) {
    return store.inTransaction(tx -> tx.queuesOf(g.clusterId())).stream()
        .anyMatch(q -> q.spec().computeNodeGroupIds().contains(g.id()));
  }

  /** A child cannot be ready while its controller is not; say why. */
  private static Outcome childOutcome(Outcome controller) {
    if (controller instanceof Outcome.Failed f) {
      return new Outcome.Failed(
          List.of(
              new ErrorInfo(
                  "ControllerUnavailable",
                  "the cluster's controller is not running: " + f.errors().get(0).message())));
    }
    return controller;
  }
}
