package org.openpcs.bench;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.openpcs.provider.local.LaunchTemplates;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.pcs.model.SchedulerType;
import software.amazon.awssdk.services.pcs.model.Size;

/**
 * What the API benchmark's workloads run against: a cluster and a node group, both ACTIVE, named
 * after the run's tag (so runs against a shared server do not collide), and their removal
 * afterwards. Creation times are recorded: they are the "usable cluster" numbers of the run.
 */
final class ApiBenchFixture {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  private final PcsClient client;
  private final String store;
  private final String tag;
  private final String schedulerVersion;
  private final PrintStream progress;

  ApiBenchFixture(
      PcsClient client, String store, String tag, String schedulerVersion, PrintStream progress) {
    this.client = client;
    this.store = store;
    this.tag = tag;
    this.schedulerVersion = schedulerVersion;
    this.progress = progress;
  }

  String createCluster(Map<String, Long> setup) {
    long t0 = System.nanoTime();
    String id =
        client
            .createCluster(
                b ->
                    b.clusterName("bench-" + tag)
                        .scheduler(s -> s.type(SchedulerType.SLURM).version(schedulerVersion))
                        .size(Size.SMALL)
                        .networking(
                            n ->
                                n.subnetIds("subnet-0123456789abcdef0")
                                    .securityGroupIds("sg-0123456789abcdef0")))
            .cluster()
            .id();
    waitUntil(
        () ->
            "ACTIVE"
                .equals(client.getCluster(b -> b.clusterIdentifier(id)).cluster().statusAsString()),
        "cluster ACTIVE",
        SETUP_TIMEOUT);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    setup.put("clusterActiveMs", ms);
    progress.printf("%s: cluster %s ACTIVE after %d ms%n", store, id, ms);
    return id;
  }

  String createNodeGroup(String clusterId, Map<String, Long> setup) {
    long t0 = System.nanoTime();
    String id =
        client
            .createComputeNodeGroup(
                b ->
                    b.clusterIdentifier(clusterId)
                        .computeNodeGroupName("compute")
                        .subnetIds("subnet-0123456789abcdef0")
                        .customLaunchTemplate(
                            t ->
                                t.id(LaunchTemplates.DEFAULT_ID)
                                    .version(LaunchTemplates.DEFAULT_VERSION))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-bench")
                        .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(4))
                        .instanceConfigs(i -> i.instanceType("t3.medium")))
            .computeNodeGroup()
            .id();
    waitUntil(
        () ->
            "ACTIVE"
                .equals(
                    client
                        .getComputeNodeGroup(
                            b -> b.clusterIdentifier(clusterId).computeNodeGroupIdentifier(id))
                        .computeNodeGroup()
                        .statusAsString()),
        "node group ACTIVE",
        SETUP_TIMEOUT);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    setup.put("nodeGroupActiveMs", ms);
    progress.printf("%s: node group %s ACTIVE after %d ms%n", store, id, ms);
    return id;
  }

  /**
   * Removes what the run created, so a shared server is left as it was (best effort); returns a
   * note when something was left.
   */
  Optional<String> tearDown(String clusterId, String groupId) {
    try {
      waitUntil(
          () -> {
            var left =
                client
                    .listQueuesPaginator(b -> b.clusterIdentifier(clusterId).maxResults(100))
                    .queues()
                    .stream()
                    .toList();
            left.stream()
                .filter(q -> !"DELETING".equals(q.statusAsString()))
                .forEach(
                    q ->
                        quietly(
                            () ->
                                client.deleteQueue(
                                    b -> b.clusterIdentifier(clusterId).queueIdentifier(q.id()))));
            return left.isEmpty();
          },
          "queues deleted",
          SETUP_TIMEOUT);
      client.deleteComputeNodeGroup(
          b -> b.clusterIdentifier(clusterId).computeNodeGroupIdentifier(groupId));
      waitUntil(
          () ->
              gone(
                  () ->
                      client.getComputeNodeGroup(
                          b -> b.clusterIdentifier(clusterId).computeNodeGroupIdentifier(groupId))),
          "node group deleted",
          SETUP_TIMEOUT);
      client.deleteCluster(b -> b.clusterIdentifier(clusterId));
      waitUntil(
          () -> gone(() -> client.getCluster(b -> b.clusterIdentifier(clusterId))),
          "cluster deleted",
          SETUP_TIMEOUT);
      return Optional.empty();
    } catch (RuntimeException e) {
      progress.printf("%s: clean-up incomplete: %s%n", store, e.getMessage());
      return Optional.of("clean-up incomplete: " + e.getMessage());
    }
  }

  private static boolean gone(Runnable get) {
    try {
      get.run();
      return false;
    } catch (ResourceNotFoundException e) {
      return true;
    }
  }

  private static void waitUntil(Supplier<Boolean> condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // Clean-up only; the measured calls record their own errors.
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String randomTag() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
