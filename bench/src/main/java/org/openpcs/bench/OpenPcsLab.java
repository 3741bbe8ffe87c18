package org.openpcs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.ClusterStatus;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupConfiguration;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupStatus;
import software.amazon.awssdk.services.pcs.model.QueueStatus;

/**
 * A real OpenPCS server in this JVM with real Slurm (its own munged and slurmctld per cluster,
 * local instances running the agent and a configless slurmd), driven through the official SDK as
 * any user would. The same flow as the e2e harness and the quickstart; closing it deletes every
 * resource, stops whatever is left under its data dir and removes the dir.
 */
final class OpenPcsLab implements AutoCloseable {
  static final String TEMPLATE = "lt-0000000000000000";
  static final String SUBNET = "subnet-0123456789abcdef0";

  final Path dataDir;
  final OpenPcsServer server;
  final PcsClient pcs;
  final SlurmCli slurm;

  OpenPcsLab(int maxNodes) {
    this(maxNodes, false);
  }

  /**
   * @param startPoweredUpJobs the server's {@code --start-powered-up-jobs}
   */
  OpenPcsLab(int maxNodes, boolean startPoweredUpJobs) {
    try {
      LabHost.useWorkRootForRuntime();
      dataDir = LabHost.shortTempDir("opb");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerConfig config =
        new ServerConfig(
                new InetSocketAddress("127.0.0.1", 0),
                dataDir,
                null,
                null,
                null,
                null,
                null,
                Quotas.defaults().withClustersPerServer(50),
                List.of(),
                // The production resync period of `openpcs server`: nothing on the measured paths
                // waits for a resync (launches, reports and job starts are event-driven), and a
                // shorter one only adds background load that a user's server does not have.
                Duration.ofSeconds(10))
            .withInfrastructure(ServerConfig.Infrastructure.SLURM)
            .withSlurmPorts(LabHost.freeBlock(Math.max(200, maxNodes + 100)))
            .withStartPoweredUpJobs(startPoweredUpJobs);
    OpenPcsServer s = null;
    try {
      s = OpenPcsServer.start(config);
      AwsProfiles.Profile p =
          AwsProfiles.read(
                  dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs")
              .orElseThrow();
      pcs =
          PcsClient.builder()
              .endpointOverride(URI.create(s.endpoint()))
              .region(Region.of(p.region() != null ? p.region() : "us-east-1"))
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(p.accessKeyId(), p.secretAccessKey())))
              .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
              .build();
      server = s;
    } catch (IOException | RuntimeException e) {
      if (s != null) {
        s.close();
      }
      LabHost.deleteTree(dataDir);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    slurm = new SlurmCli(dataDir);
    // Ctrl-C or a timeout must not leave daemons behind; close() is idempotent enough to run twice
    cleanup = new Thread(this::close);
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  private final Thread cleanup;
  private volatile boolean closed;

  String slurmVersion() {
    return org.openpcs.server.SlurmVersions.detect(List.of()).last();
  }

  /** CreateCluster; returns its id without waiting. */
  String createClusterAsync(String name, int idleSeconds, String size) {
    return pcs.createCluster(
            r ->
                r.clusterName(name)
                    .scheduler(s -> s.type("SLURM").version(slurmVersion()))
                    .size(size)
                    .networking(n -> n.subnetIds(SUBNET))
                    .slurmConfiguration(c -> c.scaleDownIdleTimeInSeconds(idleSeconds)))
        .cluster()
        .id();
  }

  void awaitClusterActive(String id, Duration within) {
    await(
        within,
        () ->
            pcs.getCluster(r -> r.clusterIdentifier(id)).cluster().status() == ClusterStatus.ACTIVE,
        () ->
            "cluster " + id + " ACTIVE: " + pcs.getCluster(r -> r.clusterIdentifier(id)).cluster());
  }

  String createGroupAsync(String cluster, String name, int min, int max, String instanceType) {
    return pcs.createComputeNodeGroup(
            r ->
                r.clusterIdentifier(cluster)
                    .computeNodeGroupName(name)
                    .subnetIds(SUBNET)
                    .customLaunchTemplate(t -> t.id(TEMPLATE).version("1"))
                    .iamInstanceProfileArn(
                        "arn:aws:iam::123456789012:instance-profile/AWSPCS-bench")
                    .scalingConfiguration(s -> s.minInstanceCount(min).maxInstanceCount(max))
                    .instanceConfigs(i -> i.instanceType(instanceType)))
        .computeNodeGroup()
        .id();
  }

  void awaitGroupActive(String cluster, String id, Duration within) {
    await(
        within,
        () ->
            pcs.getComputeNodeGroup(
                        r -> r.clusterIdentifier(cluster).computeNodeGroupIdentifier(id))
                    .computeNodeGroup()
                    .status()
                == ComputeNodeGroupStatus.ACTIVE,
        () ->
            "node group "
                + id
                + " ACTIVE: "
                + pcs.getComputeNodeGroup(
                        r -> r.clusterIdentifier(cluster).computeNodeGroupIdentifier(id))
                    .computeNodeGroup());
  }

  String createQueueAsync(String cluster, String name, String groupId) {
    return pcs.createQueue(
            r ->
                r.clusterIdentifier(cluster)
                    .queueName(name)
                    .computeNodeGroupConfigurations(
                        ComputeNodeGroupConfiguration.builder()
                            .computeNodeGroupId(groupId)
                            .build()))
        .queue()
        .id();
  }

  void awaitQueueActive(String cluster, String id, Duration within) {
    await(
        within,
        () ->
            pcs.getQueue(r -> r.clusterIdentifier(cluster).queueIdentifier(id)).queue().status()
                == QueueStatus.ACTIVE,
        () ->
            "queue "
                + id
                + " ACTIVE: "
                + pcs.getQueue(r -> r.clusterIdentifier(cluster).queueIdentifier(id)).queue());
  }

  /** A cluster with one group (min..max of {@code instanceType}) and one queue, all ACTIVE. */
  Elastic elastic(String name, int idleSeconds, int min, int max, String instanceType) {
    return elastic(
        name,
        idleSeconds,
        min,
        max,
        instanceType,
        max <= 32 ? "SMALL" : max <= 512 ? "MEDIUM" : "LARGE");
  }

  /** {@link #elastic} of the given size (which sets how many jobs slurmctld holds). */
  Elastic elastic(
      String name, int idleSeconds, int min, int max, String instanceType, String size) {
    String c = createClusterAsync(name, idleSeconds, size);
    awaitClusterActive(c, Duration.ofSeconds(120));
    String g = createGroupAsync(c, name + "-g", min, max, instanceType);
    awaitGroupActive(c, g, Duration.ofSeconds(300));
    String q = createQueueAsync(c, "work", g);
    awaitQueueActive(c, q, Duration.ofSeconds(120));
    return new Elastic(c, g, name + "-g", "work");
  }

  record Elastic(String clusterId, String groupId, String groupName, String partition) {}

  Path clusterDir(String clusterId) {
    return dataDir.resolve("clusters").resolve(clusterId);
  }

  Path slurmConf(String clusterId) {
    return clusterDir(clusterId).resolve("etc/slurm.conf");
  }

  Path slurmctldLog(String clusterId) {
    return clusterDir(clusterId).resolve("log/slurmctld.log");
  }

  Path scalingLog(String clusterId) {
    return dataDir.resolve("logs").resolve(clusterId).resolve("scaling.log");
  }

  List<ScalingLogIntervals.Step> scalingSteps(String clusterId) {
    try {
      Path f = scalingLog(clusterId);
      return Files.exists(f) ? ScalingLogIntervals.parse(Files.readAllLines(f)) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Runs one small burst on a throw-away cluster, then deletes everything. A server that has been
   * up a while has its launch, registration and job-start paths compiled; measured on a fresh JVM,
   * the JIT compiler took about 9 s of CPU during a 64-node burst on two cores, which says nothing
   * about the control plane a user runs.
   */
  void warmUp(int nodes, String instanceType) {
    Elastic e = elastic("warmup", 5, 0, nodes, instanceType);
    Path conf = slurmConf(e.clusterId());
    long job =
        slurm.sbatch(
            conf,
            "-p",
            e.partition(),
            "-N",
            Integer.toString(nodes),
            "-o",
            "/dev/null",
            "--wrap",
            "true");
    await(
        Duration.ofSeconds(120 + nodes),
        () -> !slurm.queue(conf).containsKey(job),
        () -> "warm-up job " + job + " done");
    deleteEverything();
  }

  /** Deletes queues, groups and clusters through the API (which stops their daemons). */
  void deleteEverything() {
    for (var c : pcs.listClustersPaginator(r -> {}).clusters()) {
      for (var q : pcs.listQueuesPaginator(r -> r.clusterIdentifier(c.id())).queues()) {
        pcs.deleteQueue(r -> r.clusterIdentifier(c.id()).queueIdentifier(q.id()));
      }
      await(
          Duration.ofSeconds(60),
          () -> pcs.listQueues(r -> r.clusterIdentifier(c.id())).queues().isEmpty(),
          () -> "queues of " + c.name() + " gone");
      for (var g :
          pcs.listComputeNodeGroupsPaginator(r -> r.clusterIdentifier(c.id()))
              .computeNodeGroups()) {
        pcs.deleteComputeNodeGroup(
            r -> r.clusterIdentifier(c.id()).computeNodeGroupIdentifier(g.id()));
      }
      await(
          Duration.ofSeconds(300),
          () ->
              pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c.id()))
                  .computeNodeGroups()
                  .isEmpty(),
          () -> "groups of " + c.name() + " gone");
      pcs.deleteCluster(r -> r.clusterIdentifier(c.id()));
    }
    await(
        Duration.ofSeconds(120),
        () -> pcs.listClusters(r -> {}).clusters().isEmpty(),
        () -> "clusters gone");
  }

  /** Resident memory of the server (this JVM: server plus the bench driver), in KiB. */
  static long serverRssKib() {
    return Procs.rssKib(ProcessHandle.current().pid());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // running as the hook itself
    }
    try {
      deleteEverything();
    } catch (RuntimeException | AssertionError e) {
      // fall through to the hard cleanup below
    }
    try {
      pcs.close();
      server.close();
    } catch (RuntimeException ignored) {
      // already stopped
    }
    for (long pid : Procs.usingDir(dataDir)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    // The slurmd spools live in the runtime dir, not under the data dir (D21).
    try (Stream<Path> clusters = Files.list(dataDir.resolve("clusters"))) {
      clusters.forEach(c -> LabHost.deleteTree(new org.openpcs.slurm.ClusterPaths(c).spool()));
    } catch (IOException ignored) {
      // no clusters left
    }
    LabHost.deleteTree(dataDir);
  }

  static void await(
      Duration within, BooleanSupplier condition, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException ignored) {
        // not there yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after "
                + within.toSeconds()
                + " s waiting for "
                + what.get()
                + LabHost.dumpThreads().map(f -> "; threads of this JVM in " + f).orElse(""));
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static List<String> list(String... items) {
    return new ArrayList<>(List.of(items));
  }
}
