package org.openpcs.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.openpcs.api.auth.SigV4;
import org.openpcs.control.ClusterAccess;
import org.openpcs.control.LifecycleReconciler;
import org.openpcs.control.NoInfrastructureBackend;
import org.openpcs.control.NodeGroupAccess;
import org.openpcs.control.QueueAccess;
import org.openpcs.control.Reconciler;
import org.openpcs.control.slurm.ClusterRuntime;
import org.openpcs.control.slurm.NodeBootstrap;
import org.openpcs.control.slurm.PortAllocator;
import org.openpcs.control.slurm.PortRange;
import org.openpcs.control.slurm.SlurmBackends;
import org.openpcs.control.slurm.StaticCapacity;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceKind;
import org.openpcs.domain.SecretBox;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.local.LocalProvider;
import org.openpcs.server.ops.ProviderFacts;
import org.openpcs.slurm.SlurmInstallation;
import org.openpcs.store.Store;

/**
 * Chooses and builds what resources become: with {@code SLURM}, real controllers (ClusterRuntime)
 * and instances of the local provider; with {@code NONE}, the explicit NoInfrastructureBackend. The
 * provider's catalog, launch templates and images validate requests in both modes.
 */
final class Infrastructure {
  final LocalProvider provider;
  final Map<ResourceKind, Reconciler> reconcilers;
  final Optional<ClusterRuntime> runtime;
  final Optional<org.openpcs.control.slurm.PowerSave> powerSave;
  final org.openpcs.control.ScalingLog scalingLog;
  final org.openpcs.control.EventSink events;
  private final AtomicReference<URI> endpoint;
  private final String region;
  private final SigV4.Credentials nodeKey;

  private Infrastructure(
      LocalProvider provider,
      Map<ResourceKind, Reconciler> reconcilers,
      Optional<ClusterRuntime> runtime,
      Optional<org.openpcs.control.slurm.PowerSave> powerSave,
      org.openpcs.control.ScalingLog scalingLog,
      AtomicReference<URI> endpoint,
      String region,
      SigV4.Credentials nodeKey,
      org.openpcs.control.EventSink events) {
    this.provider = provider;
    this.reconcilers = reconcilers;
    this.runtime = runtime;
    this.powerSave = powerSave;
    this.scalingLog = scalingLog;
    this.endpoint = endpoint;
    this.region = region;
    this.nodeKey = nodeKey;
    this.events = events;
  }

  static Infrastructure build(
      ServerConfig config,
      Store store,
      SecretBox box,
      SigV4.Credentials nodeKey,
      String region,
      Clock clock,
      org.openpcs.server.logs.LogSink logs,
      java.util.function.UnaryOperator<org.openpcs.control.ScalingLog> meterScalingLog,
      org.openpcs.control.EventSink events) {
    var catalog = org.openpcs.provider.BundledCatalog.forDataDir(config.dataDir());
    LocalProvider provider =
        LocalProvider.forDataDir(
            config.dataDir(),
            catalog,
            clock,
            LocalProvider.Options.defaults()
                .withSpotInterruptionRate(config.spotInterruptionRate()));
    AtomicReference<URI> endpoint = new AtomicReference<>();
    if (config.infrastructure() == ServerConfig.Infrastructure.NONE) {
      return new Infrastructure(
          provider,
          Map.of(
              ResourceKind.CLUSTER,
                  new LifecycleReconciler<>(
                      store,
                      new ClusterAccess(),
                      new NoInfrastructureBackend<Cluster>(),
                      clock,
                      events),
              ResourceKind.COMPUTE_NODE_GROUP,
                  new LifecycleReconciler<>(
                      store,
                      new NodeGroupAccess(),
                      new NoInfrastructureBackend<ComputeNodeGroup>(),
                      clock,
                      events),
              ResourceKind.QUEUE,
                  new LifecycleReconciler<>(
                      store,
                      new QueueAccess(),
                      new NoInfrastructureBackend<Queue>(),
                      clock,
                      events)),
          Optional.empty(),
          Optional.empty(),
          org.openpcs.control.ScalingLog.NONE,
          endpoint,
          region,
          nodeKey,
          events);
    }
    ClusterRuntime runtime =
        new ClusterRuntime(
            store,
            SlurmInstallation.detect(),
            catalog,
            provider.releaseTime(),
            box,
            config.dataDir().resolve("clusters"),
            new PortAllocator(PortRange.parse(config.slurmPorts()), Infrastructure::portFree),
            config.controlAddress(),
            clock,
            events);
    NodeBootstrap bootstrap =
        new NodeBootstrap(endpoint::get, region, nodeKey.accessKeyId(), nodeKey.secretAccessKey());
    org.openpcs.control.ScalingLog scaling =
        meterScalingLog.apply(
            new org.openpcs.control.JsonLinesScalingLog(
                (cluster, json) ->
                    logs.publish(
                        new org.openpcs.server.logs.LogRecord(
                            cluster, org.openpcs.server.logs.LogType.SCALING, json))));
    // Jobs on nodes powered up for them start when the nodes are up: their start gate is opened
    // (D55), and with --start-powered-up-jobs a job without a gate is requeued (D20).
    var slurm = SlurmInstallation.detect();
    if (slurm.isPresent()) {
      scaling =
          new org.openpcs.control.slurm.StartJobsOnActive(
              scaling,
              new org.openpcs.control.slurm.PoweredUpJobStarter(
                      slurm.get(),
                      new org.openpcs.control.slurm.StartHolds(),
                      config.startPoweredUpJobs())
                  ::startReady,
              runtime::paths);
    }
    StaticCapacity fleet =
        new StaticCapacity(
            store, provider, bootstrap, clock, scaling, java.time.Duration.ofMinutes(10), events);
    SlurmBackends backends = new SlurmBackends(runtime, fleet, store);
    return new Infrastructure(
        provider,
        Map.of(
            ResourceKind.CLUSTER,
                new LifecycleReconciler<>(
                    store, new ClusterAccess(), backends.clusters(), clock, events),
            ResourceKind.COMPUTE_NODE_GROUP,
                new LifecycleReconciler<>(
                    store, new NodeGroupAccess(), backends.nodeGroups(), clock, events),
            ResourceKind.QUEUE,
                new LifecycleReconciler<>(
                    store, new QueueAccess(), backends.queues(), clock, events)),
        Optional.of(runtime),
        Optional.of(
            new org.openpcs.control.slurm.PowerSave(
                store,
                fleet,
                runtime,
                new org.openpcs.control.slurm.EarlyLaunch(store, fleet, runtime, clock),
                provider.releaseTime(),
                clock)),
        scaling,
        endpoint,
        region,
        nodeKey,
        events);
  }

  /**
   * Called once the HTTP listener is up: agents learn the endpoint, running instances are adopted.
   */
  void started(URI apiEndpoint) {
    endpoint.set(apiEndpoint);
    if (runtime.isPresent()) {
      provider.adoptAll(
          i ->
              new Bootstrap(
                  apiEndpoint,
                  region,
                  nodeKey.accessKeyId(),
                  nodeKey.secretAccessKey(),
                  null,
                  null,
                  false));
    }
  }

  ProviderFacts facts() {
    return new ProviderFacts() {
      @Override
      public Optional<Integer> vcpus(String instanceType) {
        return provider.catalog().find(instanceType).map(InstanceType::vcpus);
      }

      @Override
      public Set<String> instanceTypes() {
        return provider.catalog().all().stream()
            .map(InstanceType::name)
            .collect(Collectors.toSet());
      }

      @Override
      public Map<String, List<String>> launchTemplates() {
        return provider.launchTemplates();
      }

      @Override
      public List<String> images() {
        return provider.images();
      }
    };
  }

  /**
   * True when a slurmd or slurmctld could listen on the port now: they bind all addresses with
   * SO_REUSEADDR, so a port whose only sockets wait in TIME_WAIT is free to them, and so it is
   * here. Probing without SO_REUSEADDR counted those as taken: for a minute after a 1,000-node
   * cluster was deleted, most of its nodes' ports looked busy, and a new cluster's queue that
   * needed a thousand ports failed with PortsExhausted.
   */
  static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Duration supervisionPeriod() {
    return Duration.ofSeconds(1);
  }
}
