package org.openpcs.control.slurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openpcs.control.Outcome;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Queue;
import org.openpcs.domain.SecretBox;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.slurm.ApplyMethod;
import org.openpcs.slurm.ChangePlanner;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.ControllerDaemons;
import org.openpcs.slurm.SlurmConfRenderer;
import org.openpcs.slurm.SlurmConfig;
import org.openpcs.slurm.SlurmInstallation;
import org.openpcs.store.DuplicateNameException;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's Slurm controllers: for a cluster, renders the configuration its resources call for and
 * makes the running munged/slurmctld match it — starting them, reconfiguring or restarting
 * slurmctld (state kept), and restarting crashed daemons with back-off. All calls for one cluster
 * are serialised, because the cluster, node-group and queue controllers all touch one slurm.conf.
 *
 * <p>Beside it: {@link ClusterSnapshot} (what a sync reads, and which groups and queues Slurm must
 * still know), {@link SlurmctldRestarts} (the back-off and the note a restart leaves; used under
 * the per-cluster lock), {@link ClusterKeys} (munge keys), {@link ClusterDirectory} (the cluster's
 * files on this host) and {@link ClusterNodes} (what is done to the cluster's Slurm nodes).
 */
public final class ClusterRuntime {
  private static final Logger log = LoggerFactory.getLogger(ClusterRuntime.class);

  private final Store store;
  private final Optional<SlurmInstallation> slurm;
  private final InstanceTypeCatalog catalog;
  private final int suspendTimeoutSeconds;
  private final Path clustersDir;
  private final PortAllocator ports;
  private final String controlAddress;
  private final KeyedLocks locks = new KeyedLocks();
  private final ConcurrentHashMap<String, SlurmConfig> applied = new ConcurrentHashMap<>();
  // Used only while holding the cluster's lock in locks (sync, remove): it guards the restart
  // counts and notes in there.
  private final SlurmctldRestarts restarts;
  private final ClusterKeys keys;
  private final ClusterNodes nodes;

  public ClusterRuntime(
      Store store,
      Optional<SlurmInstallation> slurm,
      InstanceTypeCatalog catalog,
      Duration instanceReleaseTime,
      SecretBox box,
      Path clustersDir,
      PortAllocator ports,
      String controlAddress,
      Clock clock,
      org.openpcs.control.EventSink events) {
    this.store = store;
    this.slurm = slurm;
    this.catalog = catalog;
    this.suspendTimeoutSeconds = SlurmConfigPlanner.suspendTimeoutSeconds(instanceReleaseTime);
    this.clustersDir = clustersDir;
    this.ports = ports;
    this.controlAddress = controlAddress;
    this.restarts = new SlurmctldRestarts(clock, events);
    this.keys = new ClusterKeys(store, box);
    this.nodes =
        new ClusterNodes(
            slurm, this::paths, this::killWindow, Duration.ofSeconds(suspendTimeoutSeconds), clock);
  }

  public ClusterPaths paths(String clusterId) {
    return new ClusterPaths(clustersDir.resolve(clusterId));
  }

  /** Makes the cluster's controller run the configuration its resources call for. */
  public Outcome sync(String clusterId) {
    if (slurm.isEmpty()) {
      return new Outcome.Failed(
          List.of(
              new ErrorInfo(
                  "SlurmNotInstalled",
                  "Slurm is not installed on this host; install slurmctld, slurmd, slurm-client and munge.")));
    }
    return locks.run(clusterId, () -> syncLocked(clusterId));
  }

  /** Stops the cluster's daemons and removes its files, ports and secret. */
  public Outcome remove(String clusterId) {
    return locks.run(clusterId, () -> removeLocked(clusterId));
  }

  /** The body of {@link #sync}, under the cluster's lock. */
  private Outcome syncLocked(String clusterId) {
    ClusterSnapshot snap = store.inTransaction(tx -> ClusterSnapshot.read(tx, clusterId));
    if (snap == null) {
      return new Outcome.Failed(
          List.of(new ErrorInfo("ClusterNotFound", "the cluster no longer exists")));
    }
    ClusterPaths paths = paths(clusterId);
    ControllerDaemons daemons = new ControllerDaemons(slurm.get(), paths);
    SlurmConfig last = applied.get(clusterId);
    var jobsNow =
        new java.util.concurrent.atomic.AtomicReference<
            Optional<Map<String, ClusterNodes.NodeJobs>>>();
    List<ComputeNodeGroup> groups =
        snap.renderedGroups(
            g -> {
              // Only a group that Slurm still runs as compute nodes can have jobs to wait for.
              boolean wasRendered =
                  last == null
                      || last.nodes().stream().anyMatch(n -> NodeNames.anyIndexOf(g, n.name()) > 0);
              if (!wasRendered) {
                return false;
              }
              if (jobsNow.get() == null) {
                jobsNow.set(nodes.jobsByNode(clusterId));
              }
              // Fail closed: when the jobs cannot be read, keep what Slurm had.
              return jobsNow
                  .get()
                  .map(byNode -> NodeNames.all(g).stream().anyMatch(byNode::containsKey))
                  .orElse(last != null);
            });
    List<Queue> queues = snap.renderedQueues(q -> jobsInPartition(daemons, q.name()));
    List<String> owners = new ArrayList<>();
    owners.add(PortAllocator.CONTROLLER);
    owners.add(SlurmConfigPlanner.PLACEHOLDER_NODE);
    groups.forEach(g -> owners.addAll(NodeNames.all(g)));
    Map<String, Integer> allocated;
    try {
      allocated = store.inTransaction(tx -> ports.ensure(tx, clusterId, owners));
    } catch (DuplicateNameException | org.openpcs.store.StaleVersionException raced) {
      // Another cluster took the same port in the same moment: look again shortly.
      return new Outcome.InProgress(Duration.ofMillis(50));
    } catch (PortAllocator.PortsExhaustedException e) {
      return new Outcome.Failed(List.of(new ErrorInfo("PortsExhausted", e.getMessage())));
    }
    ClusterLayout layout =
        new ClusterLayout(controlAddress, allocated.get(PortAllocator.CONTROLLER), allocated);
    // Power saving (ResumeProgram etc.) is on when some group has nodes beyond its minimum.
    boolean elastic =
        groups.stream().anyMatch(g -> g.spec().maxInstanceCount() > g.spec().minInstanceCount());
    SlurmConfig config =
        SlurmConfigPlanner.plan(
            snap.cluster(), groups, queues, catalog, layout, paths, elastic, suspendTimeoutSeconds);
    Map<String, String> files = SlurmConfRenderer.render(config);
    try {
      daemons.prepare();
      PowerPrograms.install(paths);
      StartGates.install(paths, slurm.get());
      ClusterKeys.writeIfChanged(daemons, paths, clusterKey(clusterId));
      var state = daemons.state();
      if (!state.munged().running()) {
        daemons.startMunged();
      }
      if (!state.slurmctld().running()) {
        Optional<Duration> wait = restarts.backoff(clusterId);
        if (wait.isPresent()) {
          return new Outcome.InProgress(wait.get());
        }
        daemons.writeConfig(files);
        StartGates.forgetUp(paths);
        daemons.startSlurmctld();
        recordStart(
            clusterId,
            // any saved state: slurmctld recovers what it holds (jobs, whose kills it resends)
            applied.containsKey(clusterId) || ClusterDirectory.hasSavedState(paths));
      } else if (!files.equals(ClusterDirectory.onDisk(paths, files.keySet()))) {
        SlurmConfig before = applied.get(clusterId);
        ApplyMethod method =
            before == null ? ApplyMethod.RESTART : ChangePlanner.plan(before, config);
        daemons.writeConfig(files);
        log.info("cluster {}: applying configuration change by {}", clusterId, method);
        StartGates.forgetUp(paths);
        daemons.apply(method);
      }
      applied.put(clusterId, config);
      // Local instances share this host: their slurmd need the spool/tmp directories (and the
      // fake GPU devices) that the cluster's configuration names.
      Map<String, Integer> gpusByNode = new LinkedHashMap<>();
      for (var node : config.nodes()) {
        gpusByNode.put(node.name(), node.gpus());
      }
      org.openpcs.slurm.LocalNodeFiles.prepareAll(paths, gpusByNode);
    } catch (RuntimeException e) {
      log.warn("cluster {}: controller not ready: {}", clusterId, e.getMessage());
      return new Outcome.Failed(List.of(new ErrorInfo("ControllerFailed", e.getMessage())));
    }
    if (!daemons.ping()) {
      return new Outcome.InProgress(Duration.ofSeconds(1));
    }
    List<Endpoint> endpoints =
        List.of(
            new Endpoint(
                "SLURMCTLD", controlAddress, null, null, String.valueOf(layout.slurmctldPort())));
    return new Outcome.Ready(endpoints, restarts.notes(clusterId));
  }

  /** The body of {@link #remove}, under the cluster's lock. */
  private Outcome removeLocked(String clusterId) {
    ClusterPaths paths = paths(clusterId);
    try {
      if (slurm.isPresent()) {
        new ControllerDaemons(slurm.get(), paths).stopAll();
      }
      ClusterDirectory.deleteTree(paths.root());
      // The slurmd spools live in the short runtime dir (socket path limit), not under root.
      ClusterDirectory.deleteTree(paths.spool());
      nodes.clusterGone(clusterId);
    } catch (RuntimeException e) {
      return new Outcome.Failed(List.of(new ErrorInfo("ControllerStopFailed", e.getMessage())));
    }
    store.inTransaction(
        tx -> {
          tx.releasePorts(clusterId, tx.portsOf(clusterId).keySet());
          return null;
        });
    applied.remove(clusterId);
    restarts.forget(clusterId);
    locks.forget(clusterId);
    return new Outcome.Ready(List.of());
  }

  /** The cluster's munge key, created on first use and stored sealed. */
  public byte[] clusterKey(String clusterId) {
    return keys.get(clusterId);
  }

  /** Clusters whose controllers this server has synced since it started. */
  public List<String> knownClusters() {
    return List.copyOf(applied.keySet());
  }

  /** The Slurm configuration slurmctld of the cluster runs now (as last applied), if any. */
  public Optional<SlurmConfig> applied(String clusterId) {
    return Optional.ofNullable(applied.get(clusterId));
  }

  /** What the control plane does to this host's clusters' Slurm nodes. */
  public ClusterNodes nodes() {
    return nodes;
  }

  /** How long after a node's loss slurmctld may still deliver the kill of its jobs there. */
  private Duration killWindow(String clusterId) {
    SlurmConfig last = applied.get(clusterId);
    return LostNodeHolds.window(last == null ? List.of() : last.controller().slurmCustomSettings());
  }

  /** Clusters whose controller daemons are known here and not running now (for the supervisor). */
  public List<String> downClusters() {
    if (slurm.isEmpty()) {
      return List.of();
    }
    return applied.keySet().stream()
        .filter(
            id -> {
              var s = new ControllerDaemons(slurm.get(), paths(id)).state();
              return !s.allRunning();
            })
        .collect(Collectors.toList());
  }

  /** Node names Slurm knows for a cluster right now; empty when the controller does not answer. */
  public Optional<Set<String>> slurmNodes(String clusterId) {
    return slurm.flatMap(
        s -> {
          try {
            return Optional.of(
                new org.openpcs.slurm.Scontrol(s, paths(clusterId))
                    .nodes().stream().map(n -> n.name()).collect(Collectors.toSet()));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  /** Partition names Slurm knows for a cluster right now; empty when it does not answer. */
  public Optional<Set<String>> slurmPartitions(String clusterId) {
    return slurm.flatMap(
        s -> {
          ClusterPaths p = paths(clusterId);
          if (!Files.isRegularFile(p.slurmConf())) {
            return Optional.empty(); // no configuration yet
          }
          try {
            return Optional.of(
                new java.util.TreeSet<>(
                    new org.openpcs.slurm.Scontrol(s, p).partitionNodes().keySet()));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  private int jobsInPartition(ControllerDaemons daemons, String partition) {
    try {
      return (int)
          new org.openpcs.slurm.Scontrol(slurm.get(), daemons.paths())
              .jobs().stream()
                  .filter(j -> partition.equals(j.partition()) && !j.finished())
                  .count();
    } catch (RuntimeException e) {
      // Fail closed: if we cannot see the jobs, keep the partition (draining) rather than kill
      // them.
      return Integer.MAX_VALUE;
    }
  }

  private void recordStart(String clusterId, boolean restart) {
    if (!restart) {
      // no node of a new cluster can have been lost before this server's start
      nodes.clusterBorn(clusterId);
      return;
    }
    restarts.record(clusterId);
  }
}
