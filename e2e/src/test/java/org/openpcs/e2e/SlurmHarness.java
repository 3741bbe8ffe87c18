package org.openpcs.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.ClusterStatus;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupStatus;
import software.amazon.awssdk.services.pcs.model.QueueStatus;

/**
 * A real OpenPCS server with real Slurm daemons and local instances, plus helpers to create
 * resources through the official SDK and to run Slurm commands against one cluster. Each harness
 * gets its own data dir and its own block of ports.
 */
final class SlurmHarness implements AutoCloseable {
  static final String TEMPLATE = "lt-0000000000000000";
  static final String INSTANCE_TYPE = "c5.large";

  final Path dataDir;
  final String ports;
  OpenPcsServer server;
  PcsClient pcs;

  SlurmHarness() {
    try {
      dataDir = Files.createTempDirectory("openpcs-e2e");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ports = freeBlock(200);
    start();
  }

  /** A harness around a server that runs elsewhere (another process) on this data dir. */
  private SlurmHarness(Path dataDir, PcsClient pcs) {
    this.dataDir = dataDir;
    this.ports = null;
    this.pcs = pcs;
  }

  static SlurmHarness attach(Path dataDir, PcsClient pcs) {
    return new SlurmHarness(dataDir, pcs);
  }

  void start() {
    ServerConfig config =
        new ServerConfig(
                new InetSocketAddress("127.0.0.1", 0),
                dataDir,
                null,
                null,
                null,
                null,
                null,
                Quotas.defaults().withClustersPerServer(20),
                List.of(),
                Duration.ofMillis(500))
            .withInfrastructure(ServerConfig.Infrastructure.SLURM)
            .withSlurmPorts(ports);
    try {
      server = OpenPcsServer.start(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AwsProfiles.Profile p =
        AwsProfiles.read(
                dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs")
            .orElseThrow();
    pcs =
        PcsClient.builder()
            .endpointOverride(URI.create(server.endpoint()))
            .region(Region.of(p.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(p.accessKeyId(), p.secretAccessKey())))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** Stops the server as SIGTERM would; daemons and instances keep running. */
  void stopServer() {
    pcs.close();
    server.close();
  }

  String slurmVersion() {
    return org.openpcs.server.SlurmVersions.detect(List.of()).last();
  }

  String createCluster(String name) {
    return createCluster(name, 600);
  }

  /** A cluster whose idle nodes are powered down after {@code idleSeconds}. */
  String createCluster(String name, int idleSeconds) {
    String id =
        pcs.createCluster(
                r ->
                    r.clusterName(name)
                        .scheduler(s -> s.type("SLURM").version(slurmVersion()))
                        .size("SMALL")
                        .networking(n -> n.subnetIds("subnet-0123456789abcdef0"))
                        .slurmConfiguration(c -> c.scaleDownIdleTimeInSeconds(idleSeconds)))
            .cluster()
            .id();
    await(
        Duration.ofSeconds(60),
        () ->
            pcs.getCluster(r -> r.clusterIdentifier(id)).cluster().status() == ClusterStatus.ACTIVE,
        () ->
            "cluster "
                + name
                + " ACTIVE: "
                + pcs.getCluster(r -> r.clusterIdentifier(id)).cluster());
    return id;
  }

  String createGroup(String cluster, String name, int min, int max) {
    return createGroup(cluster, name, min, max, TEMPLATE);
  }

  /** A group whose instances boot from the given local launch template (version 1). */
  String createGroup(String cluster, String name, int min, int max, String template) {
    String id =
        pcs.createComputeNodeGroup(
                r ->
                    r.clusterIdentifier(cluster)
                        .computeNodeGroupName(name)
                        .subnetIds("subnet-0123456789abcdef0")
                        .customLaunchTemplate(t -> t.id(template).version("1"))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-e2e")
                        .scalingConfiguration(s -> s.minInstanceCount(min).maxInstanceCount(max))
                        .instanceConfigs(i -> i.instanceType(INSTANCE_TYPE)))
            .computeNodeGroup()
            .id();
    await(
        Duration.ofSeconds(60),
        () ->
            pcs.getComputeNodeGroup(
                        r -> r.clusterIdentifier(cluster).computeNodeGroupIdentifier(id))
                    .computeNodeGroup()
                    .status()
                == ComputeNodeGroupStatus.ACTIVE,
        () ->
            "group "
                + name
                + " ACTIVE: "
                + pcs.getComputeNodeGroup(
                        r -> r.clusterIdentifier(cluster).computeNodeGroupIdentifier(id))
                    .computeNodeGroup());
    return id;
  }

  String createQueue(String cluster, String name, String... groupIds) {
    String id =
        pcs.createQueue(
                r ->
                    r.clusterIdentifier(cluster)
                        .queueName(name)
                        .computeNodeGroupConfigurations(
                            java.util.Arrays.stream(groupIds)
                                .map(
                                    g ->
                                        software.amazon.awssdk.services.pcs.model
                                            .ComputeNodeGroupConfiguration.builder()
                                            .computeNodeGroupId(g)
                                            .build())
                                .toList()))
            .queue()
            .id();
    await(
        Duration.ofSeconds(60),
        () ->
            pcs.getQueue(r -> r.clusterIdentifier(cluster).queueIdentifier(id)).queue().status()
                == QueueStatus.ACTIVE,
        () -> "queue " + name + " ACTIVE");
    return id;
  }

  Path slurmConf(String clusterId) {
    return dataDir.resolve("clusters").resolve(clusterId).resolve("etc/slurm.conf");
  }

  /** Runs a Slurm command against a cluster; returns stdout (throws on a non-zero exit). */
  String slurm(String clusterId, String... command) {
    Result r = run(clusterId, command);
    if (r.exit != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + r.exit + ": " + r.output);
    }
    return r.output;
  }

  record Result(int exit, String output) {}

  Result run(String clusterId, String... command) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).directory(dataDir.toFile());
      pb.environment().put("SLURM_CONF", slurmConf(clusterId).toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      return new Result(p.exitValue(), out.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Submits a batch job; returns its id. */
  long sbatch(String clusterId, String... args) {
    List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
    cmd.addAll(List.of(args));
    return Long.parseLong(slurm(clusterId, cmd.toArray(String[]::new)).split(";")[0].trim());
  }

  String jobState(String clusterId, long job) {
    Result r = run(clusterId, "scontrol", "show", "job", String.valueOf(job));
    if (r.exit != 0) {
      return "UNKNOWN";
    }
    var m = java.util.regex.Pattern.compile("JobState=(\\S+)").matcher(r.output);
    return m.find() ? m.group(1) : "UNKNOWN";
  }

  void awaitJob(String clusterId, long job, String state, Duration within) {
    await(
        within,
        () -> jobState(clusterId, job).equals(state),
        () ->
            "job "
                + job
                + " "
                + state
                + ", is "
                + jobState(clusterId, job)
                + "; "
                + run(clusterId, "scontrol", "show", "job", String.valueOf(job)).output);
  }

  /** Waits until every named node is IDLE (or MIXED/ALLOCATED) in Slurm. */
  void awaitNodesUp(String clusterId, String... nodes) {
    await(
        Duration.ofSeconds(90),
        () -> {
          Result r = run(clusterId, "sinfo", "-h", "-N", "-o", "%N %t");
          return java.util.Arrays.stream(nodes)
              .allMatch(
                  n ->
                      r.output
                          .lines()
                          .anyMatch(
                              l -> l.startsWith(n + " ") && l.matches(".* (idle|mix|alloc)$")));
        },
        () ->
            "nodes up "
                + String.join(",", nodes)
                + ": "
                + run(clusterId, "sinfo", "-N", "-o", "%N %T %E").output);
  }

  static void await(
      Duration within, BooleanSupplier condition, java.util.function.Supplier<String> what) {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException ignored) {
        // not there yet
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "timed out after " + within.toSeconds() + " s waiting for " + what.get());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  /** How many slurmd processes of this harness run now. */
  /** The slurmd daemons of this harness, one per node (see {@link ProcessScan#slurmds}). */
  long slurmdCount() {
    return ProcessScan.slurmds(dataDir).size();
  }

  /** A process's command line, arguments separated by blanks ("" when it is gone). */
  static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** Pids of the processes using the harness's data dir (see {@link ProcessScan#using}). */
  List<Long> processesUsingDataDir() {
    return ProcessScan.using(dataDir);
  }

  /** Deletes every resource (queues, groups, clusters) through the API and waits until gone. */
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
          Duration.ofSeconds(60),
          () ->
              pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c.id()))
                  .computeNodeGroups()
                  .isEmpty(),
          () -> "groups of " + c.name() + " gone");
      pcs.deleteCluster(r -> r.clusterIdentifier(c.id()));
    }
    await(
        Duration.ofSeconds(60),
        () -> pcs.listClusters(r -> {}).clusters().isEmpty(),
        () -> "clusters gone");
  }

  /**
   * Kills anything left (a failed test must not leave daemons behind), then removes the data dir.
   */
  @Override
  public void close() {
    try {
      deleteEverything();
    } catch (RuntimeException | AssertionError e) {
      // fall through to the hard cleanup
    }
    try {
      server.close();
    } catch (RuntimeException ignored) {
      // already stopped
    }
    for (long pid : processesUsingDataDir()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    // The slurmd spools live in the runtime dir, not under the data dir (D21).
    try (var clusters = Files.list(dataDir.resolve("clusters"))) {
      for (Path cluster : clusters.toList()) {
        deleteQuietly(new org.openpcs.slurm.ClusterPaths(cluster).spool());
      }
    } catch (IOException ignored) {
      // no clusters left
    }
    try (var walk = Files.walk(dataDir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // not there
    }
  }

  /**
   * A block of free ports "first-last" (checked now; the server also skips busy ones), below the
   * kernel's ephemeral range: a port in that range can be taken at any moment by an outgoing
   * connection, and a slurmd that then cannot bind its port fails to boot (it made the scale-out
   * crash test flaky).
   */
  static String freeBlock(int size) {
    int top = ephemeralLow() - size;
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = 20000 + (int) (Math.random() * Math.max(1, top - 20000));
      boolean free = true;
      // every port: another service (RabbitMQ has 25672) may hold one in the middle of the block
      for (int p = first; p < first + size && free; p++) {
        free = isFree(p);
      }
      if (free) {
        return first + "-" + (first + size - 1);
      }
    }
    throw new IllegalStateException("no free port block");
  }

  /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
  static int ephemeralLow() {
    try {
      String range =
          java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      return Math.max(21000, Integer.parseInt(range.strip().split("\\s+")[0]));
    } catch (java.io.IOException | RuntimeException e) {
      return 32768;
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
