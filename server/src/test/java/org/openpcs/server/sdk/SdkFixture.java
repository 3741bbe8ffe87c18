package org.openpcs.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.domain.Quotas;
import org.openpcs.server.TestServer;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.Cluster;
import software.amazon.awssdk.services.pcs.model.ClusterSummary;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroup;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupConfiguration;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupSummary;
import software.amazon.awssdk.services.pcs.model.CreateClusterRequest;
import software.amazon.awssdk.services.pcs.model.CreateComputeNodeGroupRequest;
import software.amazon.awssdk.services.pcs.model.CreateQueueRequest;
import software.amazon.awssdk.services.pcs.model.InstanceConfig;
import software.amazon.awssdk.services.pcs.model.PcsException;
import software.amazon.awssdk.services.pcs.model.Queue;
import software.amazon.awssdk.services.pcs.model.QueueSummary;
import software.amazon.awssdk.services.pcs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.pcs.model.SchedulerType;
import software.amazon.awssdk.services.pcs.model.Size;
import software.amazon.awssdk.services.pcs.model.SlurmCustomSetting;

/**
 * One real server per test class (H2 or a fresh PostgreSQL database), the official SDK client, and
 * the builders, waits and clean-up the SDK contract tests share. After every test all clusters are
 * deleted through the API (queues, then node groups, then the cluster), so each test starts from an
 * empty server and quota tests can count from zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdkFixture {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String VERSION = "24.11";
  static final String SUBNET = "subnet-0123456789abcdef0";
  static final String SECURITY_GROUP = "sg-0123456789abcdef0";
  static final String AMI = "ami-0123456789abcdef0";
  static final String INSTANCE_PROFILE = "arn:aws:iam::123456789012:instance-profile/AWSPCS-test";
  static final String LAUNCH_TEMPLATE = "lt-0123456789abcdef0";
  static final String ID = "^pcs_[a-z0-9]{10}$";
  static final String CLUSTER_ARN = "^arn:aws:pcs:us-east-1:[0-9]{12}:cluster/pcs_[a-z0-9]{10}$";

  private static final SecureRandom RANDOM = new SecureRandom();

  TestServer server;
  PcsClient pcs;
  StoreBackdoor backdoor;

  /** A JDBC URL of a fresh database, or null for the server's embedded H2 file. */
  abstract String openDatabase();

  /** Removes what {@link #openDatabase} made, after the server stopped. */
  abstract void dropDatabase();

  /** Raw access to the same database, for {@link StoreBackdoor}. */
  abstract StoreBackdoor backdoorFor(TestServer server);

  @BeforeAll
  void startServer() {
    String url = openDatabase();
    server = TestServer.start(TestServer.tempDir(), url, Quotas.defaults());
    pcs = server.sdk();
    backdoor = backdoorFor(server);
  }

  @AfterAll
  void stopServer() {
    try {
      if (pcs != null) {
        pcs.close();
      }
      if (server != null) {
        server.close();
      }
    } finally {
      dropDatabase();
    }
  }

  @AfterEach
  void deleteEverything() {
    for (ClusterSummary c : pcs.listClustersPaginator(r -> {}).clusters()) {
      // A cluster a test already deleted may vanish while we look at it.
      ignoreNotFound(() -> deleteClusterAndChildren(c));
    }
    Eventually.await(
        WAIT, "all clusters gone", () -> pcs.listClusters(r -> {}).clusters().isEmpty());
  }

  /** Queues first, then node groups, then the cluster: the order PCS requires. */
  private void deleteClusterAndChildren(ClusterSummary c) {
    List<QueueSummary> queues =
        pcs.listQueuesPaginator(r -> r.clusterIdentifier(c.id())).queues().stream().toList();
    queues.forEach(
        q ->
            ignoreNotFound(
                () -> pcs.deleteQueue(r -> r.clusterIdentifier(c.id()).queueIdentifier(q.id()))));
    Eventually.await(
        WAIT,
        "queues of " + c.name() + " gone",
        () -> pcs.listQueues(r -> r.clusterIdentifier(c.id())).queues().isEmpty());
    List<ComputeNodeGroupSummary> groups =
        pcs
            .listComputeNodeGroupsPaginator(r -> r.clusterIdentifier(c.id()))
            .computeNodeGroups()
            .stream()
            .toList();
    groups.forEach(
        g ->
            ignoreNotFound(
                () ->
                    pcs.deleteComputeNodeGroup(
                        r -> r.clusterIdentifier(c.id()).computeNodeGroupIdentifier(g.id()))));
    Eventually.await(
        WAIT,
        "node groups of " + c.name() + " gone",
        () ->
            pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c.id()))
                .computeNodeGroups()
                .isEmpty());
    pcs.deleteCluster(r -> r.clusterIdentifier(c.id()));
  }

  // --- names and tokens

  /** A unique valid resource name: the prefix, a dash and six random lower-case letters. */
  static String name(String prefix) {
    StringBuilder sb = new StringBuilder(prefix).append('-');
    for (int i = 0; i < 6; i++) {
      sb.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return sb.toString();
  }

  static String token() {
    return UUID.randomUUID().toString();
  }

  static SlurmCustomSetting setting(String name, String value) {
    return SlurmCustomSetting.builder().parameterName(name).parameterValue(value).build();
  }

  static List<ComputeNodeGroupConfiguration> groupRefs(String... refs) {
    return Arrays.stream(refs)
        .map(ref -> ComputeNodeGroupConfiguration.builder().computeNodeGroupId(ref).build())
        .toList();
  }

  // --- request builders with valid defaults

  static CreateClusterRequest.Builder clusterRequest(String name) {
    return CreateClusterRequest.builder()
        .clusterName(name)
        .scheduler(s -> s.type(SchedulerType.SLURM).version(VERSION))
        .size(Size.SMALL)
        .networking(n -> n.subnetIds(SUBNET).securityGroupIds(SECURITY_GROUP));
  }

  static CreateComputeNodeGroupRequest.Builder groupRequest(
      String cluster, String name, int min, int max) {
    return CreateComputeNodeGroupRequest.builder()
        .clusterIdentifier(cluster)
        .computeNodeGroupName(name)
        .amiId(AMI)
        .subnetIds(SUBNET)
        .customLaunchTemplate(t -> t.id(LAUNCH_TEMPLATE).version("1"))
        .iamInstanceProfileArn(INSTANCE_PROFILE)
        .scalingConfiguration(s -> s.minInstanceCount(min).maxInstanceCount(max))
        .instanceConfigs(InstanceConfig.builder().instanceType("t3.medium").build());
  }

  static CreateQueueRequest.Builder queueRequest(String cluster, String name, String... groupRefs) {
    return CreateQueueRequest.builder()
        .clusterIdentifier(cluster)
        .queueName(name)
        .computeNodeGroupConfigurations(groupRefs(groupRefs));
  }

  // --- resources in a known state

  Cluster createCluster(Consumer<CreateClusterRequest.Builder> customize) {
    CreateClusterRequest.Builder b = clusterRequest(name("cl"));
    customize.accept(b);
    return pcs.createCluster(b.build()).cluster();
  }

  Cluster activeCluster() {
    return awaitCluster(createCluster(b -> {}).id(), "ACTIVE");
  }

  ComputeNodeGroup activeGroup(String clusterId, String name, int max) {
    return activeGroup(groupRequest(clusterId, name, 0, max).build());
  }

  ComputeNodeGroup activeGroup(CreateComputeNodeGroupRequest request) {
    ComputeNodeGroup g = pcs.createComputeNodeGroup(request).computeNodeGroup();
    return awaitGroup(g.clusterId(), g.id(), "ACTIVE");
  }

  Queue activeQueue(String clusterId, String name, String... groupRefs) {
    Queue q = pcs.createQueue(queueRequest(clusterId, name, groupRefs).build()).queue();
    return awaitQueue(clusterId, q.id(), "ACTIVE");
  }

  // --- waits

  Cluster getCluster(String identifier) {
    return pcs.getCluster(r -> r.clusterIdentifier(identifier)).cluster();
  }

  ComputeNodeGroup getGroup(String cluster, String group) {
    return pcs.getComputeNodeGroup(
            r -> r.clusterIdentifier(cluster).computeNodeGroupIdentifier(group))
        .computeNodeGroup();
  }

  Queue getQueue(String cluster, String queue) {
    return pcs.getQueue(r -> r.clusterIdentifier(cluster).queueIdentifier(queue)).queue();
  }

  Cluster awaitCluster(String id, String status) {
    Eventually.await(
        WAIT, "cluster " + id + " " + status, () -> getCluster(id).statusAsString().equals(status));
    return getCluster(id);
  }

  ComputeNodeGroup awaitGroup(String clusterId, String id, String status) {
    Eventually.await(
        WAIT,
        "node group " + id + " " + status,
        () -> getGroup(clusterId, id).statusAsString().equals(status));
    return getGroup(clusterId, id);
  }

  Queue awaitQueue(String clusterId, String id, String status) {
    Eventually.await(
        WAIT,
        "queue " + id + " " + status,
        () -> getQueue(clusterId, id).statusAsString().equals(status));
    return getQueue(clusterId, id);
  }

  void awaitGone(String what, ThrowingCallable get) {
    Eventually.await(WAIT, what + " gone", () -> isNotFound(get));
  }

  static boolean isNotFound(ThrowingCallable get) {
    try {
      get.call();
      return false;
    } catch (ResourceNotFoundException e) {
      return true;
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  // --- errors

  /**
   * Runs {@code call}, which must fail with exactly {@code type}; every error must carry a request
   * id. Returns the exception for further assertions on its members.
   */
  static <E extends PcsException> E failure(Class<E> type, ThrowingCallable call) {
    Throwable thrown;
    try {
      call.call();
      throw new AssertionError("expected " + type.getSimpleName() + " but the call succeeded");
    } catch (AssertionError e) {
      throw e;
    } catch (Throwable t) {
      thrown = t;
    }
    assertThat(thrown).isInstanceOf(type);
    E e = type.cast(thrown);
    assertThat(e.requestId()).as("request id of %s", type.getSimpleName()).isNotBlank();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type.getSimpleName());
    assertThat(e.awsErrorDetails().errorMessage()).isNotBlank();
    return e;
  }

  private static void ignoreNotFound(Runnable r) {
    try {
      r.run();
    } catch (ResourceNotFoundException e) {
      // already gone
    }
  }
}
