package org.openpcs.control.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openpcs.control.Outcome;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;
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
 */
public final class ClusterRuntime {
  private static final Logger log = LoggerFactory.getLogger(ClusterRuntime.class);

  /** Restarts allowed before the back-off applies, and the window they are counted in. */
  private static final int FREE_RESTARTS = 3;

  private static final Duration RESTART_WINDOW = Duration.ofMinutes(2);
  private static final int KEY_BYTES = 1024;

  private final Store store;
  private final Optional<SlurmInstallation> slurm;
  private final InstanceTypeCatalog catalog;
  private final int suspendTimeoutSeconds;
  private final SecretBox box;
  private final Path clustersDir;
  private final PortAllocator ports;
  private final String controlAddress;
  private final Clock clock;
  private final org.openpcs.control.EventSink events;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SlurmConfig> applied = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<Instant>> restarts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<ErrorInfo>> notes = new ConcurrentHashMap<>();
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
    this.events = events;
    this.store = store;
    this.slurm = slurm;
    this.catalog = catalog;
    this.suspendTimeoutSeconds = SlurmConfigPlanner.suspendTimeoutSeconds(instanceReleaseTime);
    this.box = box;
    this.clustersDir = clustersDir;
    this.ports = ports;
    this.controlAddress = controlAddress;
    this.clock = clock;
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
    synchronized (locks.computeIfAbsent(clusterId, k -> new Object())) {
      Snapshot snap = store.inTransaction(tx -> Snapshot.read(tx, clusterId));
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
                        || last.nodes().stream()
                            .anyMatch(n -> NodeNames.anyIndexOf(g, n.name()) > 0);
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
              snap.cluster(),
              groups,
              queues,
              catalog,
              layout,
              paths,
              elastic,
              suspendTimeoutSeconds);
      Map<String, String> files = SlurmConfRenderer.render(config);
      try {
        daemons.prepare();
        PowerPrograms.install(paths);
        writeKeyIfChanged(daemons, paths, clusterKey(clusterId));
        var state = daemons.state();
        if (!state.munged().running()) {
          daemons.startMunged();
        }
        if (!state.slurmctld().running()) {
          Optional<Duration> wait = backoff(clusterId);
          if (wait.isPresent()) {
            return new Outcome.InProgress(wait.get());
          }
          daemons.writeConfig(files);
          daemons.startSlurmctld();
          recordStart(
              clusterId,
              applied.containsKey(clusterId)
                  // any saved state: slurmctld recovers what it holds (jobs, whose kills it
                  // resends)
                  || Files.exists(paths.state().resolve("node_state"))
                  || Files.exists(paths.state().resolve("job_state")));
        } else if (!files.equals(onDisk(paths, files.keySet()))) {
          SlurmConfig before = applied.get(clusterId);
          ApplyMethod method =
              before == null ? ApplyMethod.RESTART : ChangePlanner.plan(before, config);
          daemons.writeConfig(files);
          log.info("cluster {}: applying configuration change by {}", clusterId, method);
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
      return new Outcome.Ready(endpoints, notes.getOrDefault(clusterId, List.of()));
    }
  }

  /** Stops the cluster's daemons and removes its files, ports and secret. */
  public Outcome remove(String clusterId) {
    synchronized (locks.computeIfAbsent(clusterId, k -> new Object())) {
      ClusterPaths paths = paths(clusterId);
      try {
        if (slurm.isPresent()) {
          new ControllerDaemons(slurm.get(), paths).stopAll();
        }
        deleteTree(paths.root());
        // The slurmd spools live in the short runtime dir (socket path limit), not under root.
        deleteTree(paths.spool());
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
      restarts.remove(clusterId);
      notes.remove(clusterId);
      locks.remove(clusterId);
      return new Outcome.Ready(List.of());
    }
  }

  /** The cluster's munge key, created on first use and stored sealed. */
  public byte[] clusterKey(String clusterId) {
    Optional<String> sealed = store.inTransaction(tx -> tx.clusterSecret(clusterId));
    if (sealed.isEmpty()) {
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      try {
        store.inTransaction(
            tx -> {
              tx.putClusterSecret(clusterId, box.seal(Base64.getEncoder().encodeToString(key)));
              return null;
            });
      } catch (DuplicateNameException | org.openpcs.store.StaleVersionException raced) {
        return clusterKey(clusterId);
      }
      return key;
    }
    return Base64.getDecoder().decode(box.unseal(sealed.get()));
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

  /** Enforces the restart back-off; empty means "start now". */
  private Optional<Duration> backoff(String clusterId) {
    Instant now = clock.instant();
    List<Instant> recent = restarts.computeIfAbsent(clusterId, k -> new ArrayList<>());
    recent.removeIf(t -> t.isBefore(now.minus(RESTART_WINDOW)));
    if (recent.size() < FREE_RESTARTS) {
      return Optional.empty();
    }
    Duration delay =
        Duration.ofSeconds(Math.min(60, 2L << Math.min(recent.size() - FREE_RESTARTS, 5)));
    Instant next = recent.get(recent.size() - 1).plus(delay);
    return now.isBefore(next) ? Optional.of(Duration.between(now, next)) : Optional.empty();
  }

  private void recordStart(String clusterId, boolean restart) {
    if (!restart) {
      // no node of a new cluster can have been lost before this server's start
      nodes.clusterBorn(clusterId);
      return;
    }
    List<Instant> recent = restarts.computeIfAbsent(clusterId, k -> new ArrayList<>());
    recent.add(clock.instant());
    String message =
        "slurmctld was not running and was restarted at "
            + clock.instant()
            + " ("
            + recent.size()
            + " restart(s) in the last "
            + RESTART_WINDOW.toMinutes()
            + " min); running and pending jobs were recovered from its saved state";
    log.warn("cluster {}: {}", clusterId, message);
    try {
      events.emit(
          new org.openpcs.domain.Event(
              clock.instant(),
              clusterId,
              org.openpcs.domain.ResourceKind.CLUSTER,
              clusterId,
              org.openpcs.domain.Event.Severity.WARNING,
              "SLURMCTLD_RESTARTED",
              "slurmctld was not running and was restarted; jobs recovered from its saved state"));
    } catch (RuntimeException e) {
      log.debug("event not recorded: {}", e.toString());
    }
    notes.put(clusterId, List.of(new ErrorInfo("SlurmctldRestarted", message)));
  }

  private static void writeKeyIfChanged(ControllerDaemons daemons, ClusterPaths paths, byte[] key) {
    try {
      if (!Files.exists(paths.mungeKey())
          || !Arrays.equals(Files.readAllBytes(paths.mungeKey()), key)) {
        daemons.writeMungeKey(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> onDisk(ClusterPaths paths, Set<String> names) {
    Map<String, String> files = new java.util.HashMap<>();
    for (String name : names) {
      Path p = paths.etc().resolve(name);
      try {
        files.put(name, Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "");
      } catch (IOException e) {
        files.put(name, "");
      }
    }
    return files;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }

  /** What one sync reads from the store, in one transaction. */
  record Snapshot(
      Cluster cluster,
      List<ComputeNodeGroup> groups,
      List<Queue> queues,
      List<NodeInstance> instances) {
    static Snapshot read(org.openpcs.store.StoreTx tx, String clusterId) {
      Optional<Cluster> c = tx.findCluster(clusterId);
      return c.map(
              cluster ->
                  new Snapshot(
                      cluster,
                      tx.nodeGroupsOf(clusterId),
                      tx.queuesOf(clusterId),
                      tx.nodeInstancesOf(clusterId)))
          .orElse(null);
    }

    /**
     * Groups whose nodes Slurm should know: groups in a queue (a group in no queue is a login
     * fleet, whose agents run no slurmd), including groups being deleted while they still have
     * instances, and a group just taken out of every queue while jobs still run on its nodes (they
     * finish; the nodes become login nodes afterwards). Nodes beyond a lowered maximum stay while
     * they have an instance.
     *
     * @param stillBusy whether a group that is in no queue any more still has jobs on its nodes
     */
    List<ComputeNodeGroup> renderedGroups(
        java.util.function.Predicate<ComputeNodeGroup> stillBusy) {
      Set<String> queued =
          queues.stream()
              .flatMap(q -> q.spec().computeNodeGroupIds().stream())
              .collect(Collectors.toSet());
      return groups.stream()
          .map(g -> NodeNames.coveringInstances(g, liveNodes(g)))
          .filter(
              g ->
                  queued.contains(g.id())
                      ? g.status() != ResourceStatus.DELETING || !liveNodes(g).isEmpty()
                      : !liveNodes(g).isEmpty() && stillBusy.test(g))
          .toList();
    }

    private List<String> liveNodes(ComputeNodeGroup g) {
      return instances.stream()
          .filter(i -> i.nodeGroupId().equals(g.id()) && i.live())
          .map(NodeInstance::nodeName)
          .toList();
    }

    /** Queues being deleted stay (draining) while jobs remain in them. */
    List<Queue> renderedQueues(java.util.function.ToIntFunction<Queue> jobs) {
      return queues.stream()
          .filter(q -> q.status() != ResourceStatus.DELETING || jobs.applyAsInt(q) > 0)
          .toList();
    }
  }
}
