package org.openpcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpcs.api.PcsJson;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.api.client.PcsHttpClient;
import org.openpcs.domain.Quotas;
import org.openpcs.server.OpenPcsServer;
import org.openpcs.server.ServerConfig;
import org.openpcs.server.SlurmVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpcs quickstart}: starts a server with embedded defaults in a scratch data dir, creates
 * a cluster, a compute node group and a queue through the public API, runs a two-node Slurm job on
 * them and prints its output, then removes everything in PCS's delete order, leaving no process
 * behind. Each step prints as it happens.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = "Start a server, create a cluster, node group and queue, then clean up.")
public final class QuickstartCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Option(
      names = "--keep",
      description = "Leave the server running with the resources until Ctrl-C.")
  boolean keep;

  @Option(names = "--data-dir", description = "Data dir to use (default: a new temporary one).")
  Path dataDir;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (System.getenv("OPENPCS_LOG_LEVEL") == null) {
      // The tour prints its own steps; the server's routine log lines would bury them.
      System.setProperty("OPENPCS_LOG_LEVEL", "WARN");
    }
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("openpcs-quickstart");
    java.util.SortedSet<String> installed = SlurmVersions.detect(List.of());
    if (installed.isEmpty()) {
      System.err.println(
          "openpcs: Slurm is not installed (apt-get install slurmctld slurmd slurm-client munge)");
      return 1;
    }
    String version = installed.last();
    List<String> versions = List.of();
    step("starting an OpenPCS server (embedded H2 store in " + dir + ")");
    ServerConfig config =
        new ServerConfig(
                new InetSocketAddress("127.0.0.1", 0),
                dir,
                null,
                null,
                null,
                null,
                null,
                Quotas.defaults(),
                versions,
                Duration.ofSeconds(1))
            .withInfrastructure(ServerConfig.Infrastructure.SLURM);
    try (OpenPcsServer server = OpenPcsServer.start(config)) {
      AwsProfiles.Profile p =
          AwsProfiles.read(dir.resolve("aws/credentials"), dir.resolve("aws/config"), "openpcs")
              .orElseThrow();
      PcsHttpClient pcs =
          new PcsHttpClient(
              URI.create(server.endpoint()),
              new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey()),
              p.region());
      step(
          "server is up at "
              + server.endpoint()
              + "; credentials in profile 'openpcs' under "
              + dir.resolve("aws"));

      try {
        tour(pcs, dir, version);
      } finally {
        // Also after a failure: nothing of the tour may be left running.
        cleanUp(pcs);
      }
      step("done");
    } finally {
      if (dataDir == null) {
        // The scratch data dir holds the administrator's credentials and the master key.
        deleteTree(dir);
      }
    }
    return 0;
  }

  /** Creates the resources, runs the job and watches the group scale. */
  private void tour(PcsHttpClient pcs, Path dir, String version) throws Exception {
    JsonNode cluster =
        pcs.call(
                "CreateCluster",
                json(
                    "{\"clusterName\":\"quickstart\",\"scheduler\":{\"type\":\"SLURM\",\"version\":\""
                        + version
                        + "\"},\"size\":\"SMALL\","
                        + "\"networking\":{\"subnetIds\":[\"subnet-0123456789abcdef0\"]},\"slurmConfiguration\":{\"scaleDownIdleTimeInSeconds\":10},\"tags\":{\"project\":\"quickstart\"}}"))
            .get("cluster");
    step(
        "CreateCluster quickstart -> "
            + cluster.get("id").asText()
            + " ("
            + cluster.get("status").asText()
            + ")");
    await(pcs, "GetCluster", json("{\"clusterIdentifier\":\"quickstart\"}"), "cluster");

    JsonNode group =
        pcs.call(
                "CreateComputeNodeGroup",
                json(
                    "{\"clusterIdentifier\":\"quickstart\",\"computeNodeGroupName\":\"compute\",\"subnetIds\":[\"subnet-0123456789abcdef0\"],"
                        + "\"customLaunchTemplate\":{\"id\":\"lt-0000000000000000\",\"version\":\"1\"},\"iamInstanceProfileArn\":\"arn:aws:iam::123456789012:instance-profile/AWSPCS-quickstart\","
                        + "\"scalingConfiguration\":{\"minInstanceCount\":0,\"maxInstanceCount\":2},\"instanceConfigs\":[{\"instanceType\":\"c5.large\"}]}"))
            .get("computeNodeGroup");
    step(
        "CreateComputeNodeGroup compute (0 to 2 c5.large instances, scale-down after 10 s idle) -> "
            + group.get("id").asText());
    await(
        pcs,
        "GetComputeNodeGroup",
        json("{\"clusterIdentifier\":\"quickstart\",\"computeNodeGroupIdentifier\":\"compute\"}"),
        "computeNodeGroup");

    JsonNode queue =
        pcs.call(
                "CreateQueue",
                json(
                    "{\"clusterIdentifier\":\"quickstart\",\"queueName\":\"batch\",\"computeNodeGroupConfigurations\":[{\"computeNodeGroupId\":\""
                        + group.get("id").asText()
                        + "\"}]}"))
            .get("queue");
    step("CreateQueue batch -> " + queue.get("id").asText());
    await(
        pcs,
        "GetQueue",
        json("{\"clusterIdentifier\":\"quickstart\",\"queueIdentifier\":\"batch\"}"),
        "queue");

    String clusterId = cluster.get("id").asText();
    SlurmJob job =
        new SlurmJob(dir.resolve("clusters").resolve(clusterId).resolve("etc/slurm.conf"), dir);
    step("nodes before the job (~ = powered down, no instance running): " + job.nodeStates());
    long id =
        job.submit(
            "-p", "batch", "-N2", "--wrap", "srun bash -c 'echo hello from $SLURMD_NODENAME'");
    step("sbatch -p batch -N2 -> job " + id + "; the group scales up from zero");
    String state = job.awaitEnd(id, WAIT, change -> step("  " + change));
    step("job " + id + " " + state + "; its output:\n" + job.output(id));
    step("waiting for the scale-down after 10 s idle");
    job.watchNodes(
        WAIT.multipliedBy(2),
        states -> states.stream().allMatch(s -> s.endsWith("~")),
        change -> step("  " + change));
    step("the group is back to zero instances: " + job.nodeStates());
    if (keep) {
      step(
          "resources are up; use e.g. AWS_SHARED_CREDENTIALS_FILE="
              + dir.resolve("aws/credentials")
              + " AWS_CONFIG_FILE="
              + dir.resolve("aws/config")
              + " AWS_PROFILE=openpcs ./openpcs list-clusters ; Ctrl-C stops");
      Thread.currentThread().join();
    }
  }

  /** Deletes what the tour created, in PCS's order; a step with nothing to delete is skipped. */
  private void cleanUp(PcsHttpClient pcs) throws InterruptedException {
    String queue = "{\"clusterIdentifier\":\"quickstart\",\"queueIdentifier\":\"batch\"}";
    String group =
        "{\"clusterIdentifier\":\"quickstart\",\"computeNodeGroupIdentifier\":\"compute\"}";
    String cluster = "{\"clusterIdentifier\":\"quickstart\"}";
    delete(pcs, "DeleteQueue", "GetQueue", queue, "queue batch");
    delete(
        pcs, "DeleteComputeNodeGroup", "GetComputeNodeGroup", group, "compute node group compute");
    delete(pcs, "DeleteCluster", "GetCluster", cluster, "cluster quickstart");
  }

  private void delete(PcsHttpClient pcs, String op, String get, String request, String what)
      throws InterruptedException {
    try {
      pcs.call(op, json(request));
      awaitGone(pcs, get, json(request));
      step(op + " " + what + " -> gone");
    } catch (org.openpcs.api.client.PcsClientException e) {
      if (!e.errorType().equals("ResourceNotFoundException")) {
        step(op + " " + what + " failed: " + e.errorType() + ": " + e.getMessage());
      }
    } catch (IllegalStateException e) {
      step(op + " " + what + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("openpcs: could not remove " + root + ": " + e.getMessage());
    }
  }

  private JsonNode await(PcsHttpClient pcs, String op, ObjectNode request, String member)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (true) {
      JsonNode r = pcs.call(op, request).get(member);
      String status = r.get("status").asText();
      if (status.equals("ACTIVE")) {
        step("  " + r.get("name").asText() + " is ACTIVE");
        return r;
      }
      if (status.endsWith("FAILED") || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            r.get("name").asText() + " is " + status + ": " + r.get("errorInfo"));
      }
      Thread.sleep(200);
    }
  }

  private void awaitGone(PcsHttpClient pcs, String op, ObjectNode request)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      try {
        pcs.call(op, request);
      } catch (org.openpcs.api.client.PcsClientException e) {
        if (e.errorType().equals("ResourceNotFoundException")) {
          return;
        }
        throw e;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        op + " still finds the resource after " + WAIT.toSeconds() + " s");
  }

  private void step(String message) {
    out.println("[quickstart] " + message);
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) PcsJson.mapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
