package org.openpcs.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.pcs.model.AccessDeniedException;
import software.amazon.awssdk.services.pcs.model.AccountingMode;
import software.amazon.awssdk.services.pcs.model.Cluster;
import software.amazon.awssdk.services.pcs.model.ClusterStatus;
import software.amazon.awssdk.services.pcs.model.ClusterSummary;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroup;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupConfiguration;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupStatus;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroupSummary;
import software.amazon.awssdk.services.pcs.model.ConflictException;
import software.amazon.awssdk.services.pcs.model.CreateClusterResponse;
import software.amazon.awssdk.services.pcs.model.InstanceConfig;
import software.amazon.awssdk.services.pcs.model.ListClustersResponse;
import software.amazon.awssdk.services.pcs.model.ListComputeNodeGroupsResponse;
import software.amazon.awssdk.services.pcs.model.ListQueuesResponse;
import software.amazon.awssdk.services.pcs.model.NetworkType;
import software.amazon.awssdk.services.pcs.model.PcsException;
import software.amazon.awssdk.services.pcs.model.PcsResponse;
import software.amazon.awssdk.services.pcs.model.PurchaseOption;
import software.amazon.awssdk.services.pcs.model.Queue;
import software.amazon.awssdk.services.pcs.model.QueueStatus;
import software.amazon.awssdk.services.pcs.model.QueueSummary;
import software.amazon.awssdk.services.pcs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.pcs.model.SchedulerType;
import software.amazon.awssdk.services.pcs.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.pcs.model.Size;
import software.amazon.awssdk.services.pcs.model.SlurmRestMode;
import software.amazon.awssdk.services.pcs.model.SpotAllocationStrategy;
import software.amazon.awssdk.services.pcs.model.ValidationException;
import software.amazon.awssdk.services.pcs.model.ValidationExceptionField;
import software.amazon.awssdk.services.pcs.model.ValidationExceptionReason;

/**
 * Every PCS operation through the official AWS SDK for Java v2 client against a real OpenPCS
 * server: response members, lifecycle, pagination, errors and their members, quotas, idempotency,
 * tags, validation and concurrency. Runs once per store (see the *IT subclasses).
 */
abstract class SdkApiContract extends SdkFixture {
  private static final String SETTINGS = "slurmConfiguration.slurmCustomSettings";

  // ---------------------------------------------------------------- clusters

  @Test
  void createClusterAnswersWithEveryMemberAndThePcsDefaults() {
    String name = name("cl");
    Instant before = Instant.now().minusSeconds(2);
    CreateClusterResponse response = pcs.createCluster(clusterRequest(name).build());
    Instant after = Instant.now().plusSeconds(2);

    assertThat(response.responseMetadata().requestId()).isNotBlank();
    Cluster c = response.cluster();
    assertThat(c.name()).isEqualTo(name);
    assertThat(c.id()).matches(ID);
    assertThat(c.arn()).matches(CLUSTER_ARN).endsWith(":cluster/" + c.id());
    assertThat(c.status()).isEqualTo(ClusterStatus.CREATING);
    assertThat(c.createdAt()).isBetween(before, after);
    assertThat(c.modifiedAt()).isBetween(c.createdAt(), after);
    assertThat(c.scheduler().type()).isEqualTo(SchedulerType.SLURM);
    assertThat(c.scheduler().version()).isEqualTo(VERSION);
    assertThat(c.size()).isEqualTo(Size.SMALL);
    assertThat(c.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(600);
    assertThat(c.slurmConfiguration().slurmCustomSettings()).isEmpty();
    assertThat(c.slurmConfiguration().accounting().mode()).isEqualTo(AccountingMode.NONE);
    assertThat(c.slurmConfiguration().accounting().defaultPurgeTimeInDays()).isEqualTo(-1);
    assertThat(c.slurmConfiguration().slurmRest().mode()).isEqualTo(SlurmRestMode.NONE);
    assertThat(c.networking().subnetIds()).containsExactly(SUBNET);
    assertThat(c.networking().securityGroupIds()).containsExactly(SECURITY_GROUP);
    assertThat(c.networking().networkType()).isEqualTo(NetworkType.IPV4);
  }

  @Test
  void createClusterKeepsExplicitSlurmConfigurationAndSize() {
    Cluster c =
        createCluster(
            b ->
                b.size(Size.MEDIUM)
                    .scheduler(s -> s.type(SchedulerType.SLURM).version("25.05"))
                    .slurmConfiguration(
                        s ->
                            s.scaleDownIdleTimeInSeconds(1800)
                                .slurmCustomSettings(setting("MinJobAge", "30"))
                                .accounting(
                                    a -> a.mode(AccountingMode.STANDARD).defaultPurgeTimeInDays(90))
                                .slurmRest(r -> r.mode(SlurmRestMode.STANDARD))));

    Cluster stored = getCluster(c.id());
    assertThat(stored.size()).isEqualTo(Size.MEDIUM);
    assertThat(stored.scheduler().version()).isEqualTo("25.05");
    assertThat(stored.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(1800);
    assertThat(stored.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MinJobAge", "30"));
    assertThat(stored.slurmConfiguration().accounting().mode()).isEqualTo(AccountingMode.STANDARD);
    assertThat(stored.slurmConfiguration().accounting().defaultPurgeTimeInDays()).isEqualTo(90);
    assertThat(stored.slurmConfiguration().slurmRest().mode()).isEqualTo(SlurmRestMode.STANDARD);
  }

  @Test
  void getClusterFindsItByNameAndByIdAndItBecomesActive() {
    Cluster created = createCluster(b -> {});

    Cluster byName = getCluster(created.name());
    Cluster byId = getCluster(created.id());
    assertThat(byName.id()).isEqualTo(created.id());
    assertThat(byId.name()).isEqualTo(created.name());
    assertThat(byId.arn()).isEqualTo(created.arn());
    assertThat(byId.createdAt()).isEqualTo(created.createdAt());

    Cluster active = awaitCluster(created.id(), "ACTIVE");
    assertThat(active.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(active.modifiedAt()).isAfterOrEqualTo(created.modifiedAt());
    assertThat(active.slurmConfiguration()).isEqualTo(created.slurmConfiguration());
  }

  @Test
  void getUnknownClusterIsResourceNotFoundNamingTheIdentifier() {
    ResourceNotFoundException byId =
        failure(ResourceNotFoundException.class, () -> getCluster("pcs_zzzzzzzzzz"));
    assertThat(byId.resourceId()).isEqualTo("pcs_zzzzzzzzzz");
    assertThat(byId.resourceType()).isEqualTo("cluster");
    assertThat(byId.statusCode()).isEqualTo(404);

    ResourceNotFoundException byName =
        failure(ResourceNotFoundException.class, () -> getCluster("no-such-cluster"));
    assertThat(byName.resourceId()).isEqualTo("no-such-cluster");
  }

  @Test
  void listClustersPaginatorVisitsEveryClusterOnceOverSeveralPages() {
    List<String> ids = IntStream.range(0, 5).mapToObj(i -> createCluster(b -> {}).id()).toList();

    List<ListClustersResponse> pages =
        pcs.listClustersPaginator(r -> r.maxResults(2)).stream().toList();

    assertThat(pages).hasSize(3);
    assertThat(pages).allSatisfy(p -> assertThat(p.clusters()).hasSizeBetween(1, 2));
    assertThat(pages.get(0).nextToken()).isNotBlank();
    assertThat(pages.get(2).nextToken()).isNull();
    List<ClusterSummary> all = pages.stream().flatMap(p -> p.clusters().stream()).toList();
    assertThat(all).extracting(ClusterSummary::id).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(all)
        .allSatisfy(
            s -> {
              assertThat(s.name()).isEqualTo(getCluster(s.id()).name());
              assertThat(s.arn()).matches(CLUSTER_ARN);
              assertThat(s.createdAt()).isNotNull();
              assertThat(s.modifiedAt()).isNotNull();
              assertThat(s.status()).isNotNull().isNotEqualTo(ClusterStatus.UNKNOWN_TO_SDK_VERSION);
            });
    assertThat(
            pcs.listClustersPaginator(r -> r.maxResults(2)).clusters().stream()
                .map(ClusterSummary::id))
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(pcs.listClusters(r -> {}).clusters()).hasSize(5);
  }

  @Test
  void listWithATamperedOrForeignNextTokenIsRefused() {
    Cluster one = activeCluster();
    Cluster two = activeCluster();
    String token = pcs.listClusters(r -> r.maxResults(1)).nextToken();
    assertThat(token).isNotBlank();
    String tampered = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);

    ValidationException e =
        failure(ValidationException.class, () -> pcs.listClusters(r -> r.nextToken(tampered)));
    assertThat(e.fieldList()).extracting(ValidationExceptionField::name).contains("nextToken");

    // A token from one cluster's queue list is not valid for another list.
    activeGroup(one.id(), "compute", 1);
    activeQueue(one.id(), "first", "compute");
    activeQueue(one.id(), "second", "compute");
    String queuesToken =
        pcs.listQueues(r -> r.clusterIdentifier(one.id()).maxResults(1)).nextToken();
    assertThat(queuesToken).isNotBlank();
    failure(
        ValidationException.class,
        () -> pcs.listQueues(r -> r.clusterIdentifier(two.id()).nextToken(queuesToken)));
    failure(ValidationException.class, () -> pcs.listClusters(r -> r.nextToken(queuesToken)));
  }

  @Test
  void updateClusterChangesSlurmConfigurationThroughUpdatingAndKeepsUnchangedMembers() {
    Cluster created =
        createCluster(
            b ->
                b.slurmConfiguration(
                    s ->
                        s.scaleDownIdleTimeInSeconds(900)
                            .slurmCustomSettings(setting("MinJobAge", "30"))
                            .accounting(
                                a -> a.mode(AccountingMode.STANDARD).defaultPurgeTimeInDays(30))));
    Cluster active = awaitCluster(created.id(), "ACTIVE");

    Cluster updated =
        pcs.updateCluster(
                r ->
                    r.clusterIdentifier(created.name())
                        .slurmConfiguration(
                            s ->
                                s.slurmCustomSettings(
                                    setting("MinJobAge", "60"),
                                    setting("PriorityWeightAge", "100"))))
            .cluster();

    assertThat(updated.status()).isEqualTo(ClusterStatus.UPDATING);
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.name()).isEqualTo(created.name());
    assertThat(updated.arn()).isEqualTo(created.arn());
    assertThat(updated.createdAt()).isEqualTo(created.createdAt());
    assertThat(updated.modifiedAt()).isAfterOrEqualTo(active.modifiedAt());
    assertThat(updated.size()).isEqualTo(Size.SMALL);
    assertThat(updated.scheduler()).isEqualTo(created.scheduler());
    assertThat(updated.networking()).isEqualTo(created.networking());
    assertThat(updated.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MinJobAge", "60"), setting("PriorityWeightAge", "100"));
    assertThat(updated.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(900);
    assertThat(updated.slurmConfiguration().accounting().mode()).isEqualTo(AccountingMode.STANDARD);
    assertThat(updated.slurmConfiguration().accounting().defaultPurgeTimeInDays()).isEqualTo(30);
    assertThat(updated.slurmConfiguration().slurmRest().mode()).isEqualTo(SlurmRestMode.NONE);

    Cluster settled = awaitCluster(created.id(), "ACTIVE");
    assertThat(settled.slurmConfiguration()).isEqualTo(updated.slurmConfiguration());

    // Updating another member leaves the custom settings as they are.
    Cluster again =
        pcs.updateCluster(
                r ->
                    r.clusterIdentifier(created.id())
                        .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(1200)))
            .cluster();
    assertThat(again.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(1200);
    assertThat(again.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MinJobAge", "60"), setting("PriorityWeightAge", "100"));
    awaitCluster(created.id(), "ACTIVE");
  }

  @Test
  void deleteClusterGoesThroughDeletingAndThenGetIsResourceNotFound() {
    Cluster c = activeCluster();

    var response = pcs.deleteCluster(r -> r.clusterIdentifier(c.name()));
    assertThat(response.responseMetadata().requestId()).isNotBlank();
    // Without infrastructure the controller may already be done; if it is not, it shows DELETING.
    try {
      assertThat(getCluster(c.id()).status()).isEqualTo(ClusterStatus.DELETING);
    } catch (ResourceNotFoundException alreadyGone) {
      assertThat(alreadyGone.resourceId()).isEqualTo(c.id());
    }
    awaitGone("cluster " + c.name(), () -> getCluster(c.id()));

    ResourceNotFoundException e =
        failure(ResourceNotFoundException.class, () -> getCluster(c.id()));
    assertThat(e.resourceId()).isEqualTo(c.id());
    assertThat(e.resourceType()).isEqualTo("cluster");
    ResourceNotFoundException byName =
        failure(ResourceNotFoundException.class, () -> getCluster(c.name()));
    assertThat(byName.resourceId()).isEqualTo(c.name());
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .doesNotContain(c.id());
    ResourceNotFoundException deleteAgain =
        failure(
            ResourceNotFoundException.class,
            () -> pcs.deleteCluster(r -> r.clusterIdentifier(c.id())));
    assertThat(deleteAgain.resourceType()).isEqualTo("cluster");
  }

  @Test
  void clusterNamesAreUniqueOnTheServer() {
    Cluster first = createCluster(b -> {});

    ConflictException e =
        failure(
            ConflictException.class,
            () -> pcs.createCluster(clusterRequest(first.name()).size(Size.LARGE).build()));

    assertThat(e.resourceId()).isEqualTo(first.name());
    assertThat(e.resourceType()).isEqualTo("cluster");
    assertThat(e.statusCode()).isEqualTo(409);
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .containsExactly(first.id());
    assertThat(getCluster(first.name()).size()).isEqualTo(Size.SMALL);
  }

  @Test
  void sixthClusterExceedsTheServerQuota() {
    for (int i = 0; i < 5; i++) {
      createCluster(b -> {});
    }
    String sixth = name("cl");

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.createCluster(clusterRequest(sixth).build()));

    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    assertThat(e.resourceType()).isEqualTo("cluster");
    assertThat(e.statusCode()).isEqualTo(402);
    assertThat(pcs.listClusters(r -> {}).clusters()).hasSize(5);
    failure(ResourceNotFoundException.class, () -> getCluster(sixth));
  }

  // ---------------------------------------------------------------- compute node groups

  @Test
  void createNodeGroupAnswersWithEveryMember() {
    Cluster cluster = activeCluster();
    String name = name("ng");
    Instant before = Instant.now().minusSeconds(2);

    ComputeNodeGroup g =
        pcs.createComputeNodeGroup(
                groupRequest(cluster.name(), name, 1, 4)
                    .slurmConfiguration(s -> s.slurmCustomSettings(setting("Weight", "10")))
                    .build())
            .computeNodeGroup();

    assertThat(g.name()).isEqualTo(name);
    assertThat(g.id()).matches(ID).isNotEqualTo(cluster.id());
    assertThat(g.arn()).isEqualTo(cluster.arn() + "/computenodegroup/" + g.id());
    assertThat(g.clusterId()).isEqualTo(cluster.id());
    assertThat(g.status()).isEqualTo(ComputeNodeGroupStatus.CREATING);
    assertThat(g.createdAt()).isBetween(before, Instant.now().plusSeconds(2));
    assertThat(g.modifiedAt()).isAfterOrEqualTo(g.createdAt());
    assertThat(g.amiId()).isEqualTo(AMI);
    assertThat(g.subnetIds()).containsExactly(SUBNET);
    assertThat(g.purchaseOption()).isEqualTo(PurchaseOption.ONDEMAND);
    assertThat(g.customLaunchTemplate().id()).isEqualTo(LAUNCH_TEMPLATE);
    assertThat(g.customLaunchTemplate().version()).isEqualTo("1");
    assertThat(g.iamInstanceProfileArn()).isEqualTo(INSTANCE_PROFILE);
    assertThat(g.scalingConfiguration().minInstanceCount()).isEqualTo(1);
    assertThat(g.scalingConfiguration().maxInstanceCount()).isEqualTo(4);
    assertThat(g.instanceConfigs())
        .extracting(InstanceConfig::instanceType)
        .containsExactly("t3.medium");
    assertThat(g.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("Weight", "10"));
  }

  @Test
  void spotNodeGroupShowsTheDefaultAllocationStrategy() {
    Cluster cluster = activeCluster();

    ComputeNodeGroup g =
        pcs.createComputeNodeGroup(
                groupRequest(cluster.id(), "spot", 0, 2)
                    .purchaseOption(PurchaseOption.SPOT)
                    .build())
            .computeNodeGroup();

    assertThat(g.purchaseOption()).isEqualTo(PurchaseOption.SPOT);
    assertThat(g.spotOptions().allocationStrategy())
        .isEqualTo(SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED);
  }

  @Test
  void getNodeGroupFindsItByNameAndByIdAndItBecomesActive() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup created =
        pcs.createComputeNodeGroup(groupRequest(cluster.id(), "compute", 0, 2).build())
            .computeNodeGroup();

    assertThat(getGroup(cluster.name(), "compute").id()).isEqualTo(created.id());
    assertThat(getGroup(cluster.id(), created.id()).name()).isEqualTo("compute");
    ComputeNodeGroup active = awaitGroup(cluster.id(), created.id(), "ACTIVE");
    assertThat(active.status()).isEqualTo(ComputeNodeGroupStatus.ACTIVE);
    assertThat(active.scalingConfiguration()).isEqualTo(created.scalingConfiguration());
    assertThat(active.arn()).isEqualTo(created.arn());

    ResourceNotFoundException e =
        failure(ResourceNotFoundException.class, () -> getGroup(cluster.id(), "missing"));
    assertThat(e.resourceId()).isEqualTo("missing");
    assertThat(e.resourceType()).isEqualTo("computenodegroup");
  }

  @Test
  void listNodeGroupsPaginatorVisitsEveryGroupOnceOverSeveralPages() {
    Cluster cluster = activeCluster();
    List<String> ids =
        IntStream.range(0, 5)
            .mapToObj(
                i ->
                    pcs.createComputeNodeGroup(
                            groupRequest(cluster.id(), "group" + i, 0, 2).build())
                        .computeNodeGroup()
                        .id())
            .toList();

    List<ListComputeNodeGroupsResponse> pages =
        pcs
            .listComputeNodeGroupsPaginator(r -> r.clusterIdentifier(cluster.name()).maxResults(2))
            .stream()
            .toList();

    assertThat(pages).hasSize(3);
    assertThat(pages).allSatisfy(p -> assertThat(p.computeNodeGroups()).hasSizeBetween(1, 2));
    List<ComputeNodeGroupSummary> all =
        pages.stream().flatMap(p -> p.computeNodeGroups().stream()).toList();
    assertThat(all)
        .extracting(ComputeNodeGroupSummary::id)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(all)
        .allSatisfy(
            s -> {
              assertThat(s.clusterId()).isEqualTo(cluster.id());
              assertThat(s.arn()).isEqualTo(cluster.arn() + "/computenodegroup/" + s.id());
              assertThat(s.name()).startsWith("group");
              assertThat(s.createdAt()).isNotNull();
              assertThat(s.status())
                  .isNotNull()
                  .isNotEqualTo(ComputeNodeGroupStatus.UNKNOWN_TO_SDK_VERSION);
            });
  }

  @Test
  void updateNodeGroupChangesScalingThroughUpdatingAndKeepsUnchangedMembers() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup before =
        activeGroup(
            groupRequest(cluster.id(), "compute", 0, 4)
                .slurmConfiguration(s -> s.slurmCustomSettings(setting("Weight", "10")))
                .build());

    ComputeNodeGroup updated =
        pcs.updateComputeNodeGroup(
                r ->
                    r.clusterIdentifier(cluster.name())
                        .computeNodeGroupIdentifier("compute")
                        .scalingConfiguration(s -> s.minInstanceCount(2).maxInstanceCount(8)))
            .computeNodeGroup();

    assertThat(updated.status()).isEqualTo(ComputeNodeGroupStatus.UPDATING);
    assertThat(updated.scalingConfiguration().minInstanceCount()).isEqualTo(2);
    assertThat(updated.scalingConfiguration().maxInstanceCount()).isEqualTo(8);
    assertThat(updated.id()).isEqualTo(before.id());
    assertThat(updated.createdAt()).isEqualTo(before.createdAt());
    assertThat(updated.amiId()).isEqualTo(before.amiId());
    assertThat(updated.subnetIds()).isEqualTo(before.subnetIds());
    assertThat(updated.customLaunchTemplate()).isEqualTo(before.customLaunchTemplate());
    assertThat(updated.iamInstanceProfileArn()).isEqualTo(before.iamInstanceProfileArn());
    assertThat(updated.instanceConfigs()).isEqualTo(before.instanceConfigs());
    assertThat(updated.purchaseOption()).isEqualTo(before.purchaseOption());
    assertThat(updated.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("Weight", "10"));

    ComputeNodeGroup settled = awaitGroup(cluster.id(), before.id(), "ACTIVE");
    assertThat(settled.scalingConfiguration()).isEqualTo(updated.scalingConfiguration());

    ComputeNodeGroup second =
        pcs.updateComputeNodeGroup(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .computeNodeGroupIdentifier(before.id())
                        .customLaunchTemplate(t -> t.id(LAUNCH_TEMPLATE).version("2"))
                        .slurmConfiguration(
                            s ->
                                s.slurmCustomSettings(
                                    setting("Weight", "20"), setting("Features", "big"))))
            .computeNodeGroup();
    assertThat(second.customLaunchTemplate().version()).isEqualTo("2");
    assertThat(second.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("Weight", "20"), setting("Features", "big"));
    assertThat(second.scalingConfiguration().maxInstanceCount()).isEqualTo(8);
    awaitGroup(cluster.id(), before.id(), "ACTIVE");
  }

  @Test
  void deleteNodeGroupRemovesItAndThenGetIsResourceNotFound() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 2);

    pcs.deleteComputeNodeGroup(
        r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier("compute"));
    try {
      assertThat(getGroup(cluster.id(), g.id()).status())
          .isIn(ComputeNodeGroupStatus.DELETING, ComputeNodeGroupStatus.DELETED);
    } catch (ResourceNotFoundException alreadyGone) {
      assertThat(alreadyGone.resourceType()).isEqualTo("computenodegroup");
    }
    awaitGone("node group", () -> getGroup(cluster.id(), g.id()));

    ResourceNotFoundException e =
        failure(ResourceNotFoundException.class, () -> getGroup(cluster.id(), g.id()));
    assertThat(e.resourceId()).isEqualTo(g.id());
    assertThat(e.resourceType()).isEqualTo("computenodegroup");
    assertThat(
            pcs.listComputeNodeGroups(r -> r.clusterIdentifier(cluster.id())).computeNodeGroups())
        .isEmpty();
  }

  @Test
  void nodeGroupNamesAreUniquePerClusterOnly() {
    Cluster one = activeCluster();
    Cluster two = activeCluster();
    ComputeNodeGroup first =
        pcs.createComputeNodeGroup(groupRequest(one.id(), "compute", 0, 2).build())
            .computeNodeGroup();

    ConflictException e =
        failure(
            ConflictException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(one.id(), "compute", 0, 3).build()));
    assertThat(e.resourceId()).isEqualTo("compute");
    assertThat(e.resourceType()).isEqualTo("computenodegroup");
    assertThat(getGroup(one.id(), "compute").scalingConfiguration().maxInstanceCount())
        .isEqualTo(2);

    ComputeNodeGroup other =
        pcs.createComputeNodeGroup(groupRequest(two.id(), "compute", 0, 3).build())
            .computeNodeGroup();
    assertThat(other.id()).isNotEqualTo(first.id());
    assertThat(other.clusterId()).isEqualTo(two.id());
  }

  @Test
  void childrenAreFoundOnlyThroughTheirOwnCluster() {
    Cluster one = activeCluster();
    Cluster two = activeCluster();
    ComputeNodeGroup g = activeGroup(one.id(), "compute", 1);
    Queue q = activeQueue(one.id(), "work", g.id());

    failure(ResourceNotFoundException.class, () -> getGroup(two.id(), g.id()));
    failure(ResourceNotFoundException.class, () -> getQueue(two.id(), q.id()));
    failure(
        ResourceNotFoundException.class,
        () -> pcs.deleteQueue(r -> r.clusterIdentifier(two.id()).queueIdentifier(q.id())));
    assertThat(getQueue(one.id(), q.id()).status()).isEqualTo(QueueStatus.ACTIVE);
    ResourceNotFoundException noCluster =
        failure(
            ResourceNotFoundException.class,
            () -> pcs.listQueues(r -> r.clusterIdentifier("pcs_zzzzzzzzzz")));
    assertThat(noCluster.resourceType()).isEqualTo("cluster");
  }

  // ---------------------------------------------------------------- queues

  @Test
  void createQueueReferencesNodeGroupsByIdAndByName() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup a = activeGroup(cluster.id(), "alpha", 1);
    ComputeNodeGroup b = activeGroup(cluster.id(), "beta", 1);
    String name = name("q");
    Instant before = Instant.now().minusSeconds(2);

    Queue q =
        pcs.createQueue(
                queueRequest(cluster.name(), name, a.id(), "beta")
                    .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60")))
                    .build())
            .queue();

    assertThat(q.name()).isEqualTo(name);
    assertThat(q.id()).matches(ID);
    assertThat(q.arn()).isEqualTo(cluster.arn() + "/queue/" + q.id());
    assertThat(q.clusterId()).isEqualTo(cluster.id());
    assertThat(q.status()).isEqualTo(QueueStatus.CREATING);
    assertThat(q.createdAt()).isBetween(before, Instant.now().plusSeconds(2));
    assertThat(q.modifiedAt()).isAfterOrEqualTo(q.createdAt());
    assertThat(q.computeNodeGroupConfigurations())
        .extracting(ComputeNodeGroupConfiguration::computeNodeGroupId)
        .containsExactly(a.id(), b.id());
    assertThat(q.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "60"));
  }

  @Test
  void getQueueFindsItByNameAndByIdAndItBecomesActive() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 1);
    Queue created = pcs.createQueue(queueRequest(cluster.id(), "work", g.id()).build()).queue();

    assertThat(getQueue(cluster.name(), "work").id()).isEqualTo(created.id());
    assertThat(getQueue(cluster.id(), created.id()).name()).isEqualTo("work");
    Queue active = awaitQueue(cluster.id(), created.id(), "ACTIVE");
    assertThat(active.status()).isEqualTo(QueueStatus.ACTIVE);
    assertThat(active.computeNodeGroupConfigurations())
        .isEqualTo(created.computeNodeGroupConfigurations());

    ResourceNotFoundException e =
        failure(ResourceNotFoundException.class, () -> getQueue(cluster.id(), "pcs_zzzzzzzzzz"));
    assertThat(e.resourceId()).isEqualTo("pcs_zzzzzzzzzz");
    assertThat(e.resourceType()).isEqualTo("queue");
  }

  @Test
  void listQueuesPaginatorVisitsEveryQueueOnceOverSeveralPages() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 1);
    List<String> ids =
        IntStream.range(0, 5)
            .mapToObj(
                i ->
                    pcs.createQueue(queueRequest(cluster.id(), "queue" + i, g.id()).build())
                        .queue()
                        .id())
            .toList();

    List<ListQueuesResponse> pages =
        pcs.listQueuesPaginator(r -> r.clusterIdentifier(cluster.name()).maxResults(2)).stream()
            .toList();

    assertThat(pages).hasSize(3);
    assertThat(pages).allSatisfy(p -> assertThat(p.queues()).hasSizeBetween(1, 2));
    List<QueueSummary> all = pages.stream().flatMap(p -> p.queues().stream()).toList();
    assertThat(all).extracting(QueueSummary::id).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(all)
        .allSatisfy(
            s -> {
              assertThat(s.clusterId()).isEqualTo(cluster.id());
              assertThat(s.arn()).isEqualTo(cluster.arn() + "/queue/" + s.id());
              assertThat(s.name()).startsWith("queue");
              assertThat(s.modifiedAt()).isNotNull();
              assertThat(s.status()).isNotNull().isNotEqualTo(QueueStatus.UNKNOWN_TO_SDK_VERSION);
            });
  }

  @Test
  void queuePagesNeitherSkipNorRepeatWhileQueuesComeAndGoBetweenPages() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    List<String> ids =
        IntStream.range(0, 6)
            .mapToObj(
                i ->
                    pcs.createQueue(queueRequest(cluster.id(), "queue" + i, "compute").build())
                        .queue()
                        .id())
            .toList();

    ListQueuesResponse first = pcs.listQueues(r -> r.clusterIdentifier(cluster.id()).maxResults(2));
    List<String> seen = new ArrayList<>(first.queues().stream().map(QueueSummary::id).toList());
    // Between pages: one already-seen queue goes away and a new one arrives.
    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier(seen.get(0)));
    awaitGone("queue", () -> getQueue(cluster.id(), seen.get(0)));
    String added =
        pcs.createQueue(queueRequest(cluster.id(), "latecomer", "compute").build()).queue().id();
    String token = first.nextToken();
    while (token != null) {
      String current = token;
      ListQueuesResponse page =
          pcs.listQueues(r -> r.clusterIdentifier(cluster.id()).maxResults(2).nextToken(current));
      page.queues().forEach(q -> seen.add(q.id()));
      token = page.nextToken();
    }

    assertThat(seen).doesNotHaveDuplicates().containsAll(ids).contains(added);
  }

  @Test
  void updateQueueChangesNodeGroupsThroughUpdatingAndKeepsUnchangedMembers() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup a = activeGroup(cluster.id(), "alpha", 1);
    ComputeNodeGroup b = activeGroup(cluster.id(), "beta", 1);
    Queue created =
        pcs.createQueue(
                queueRequest(cluster.id(), "work", "alpha")
                    .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60")))
                    .build())
            .queue();
    awaitQueue(cluster.id(), created.id(), "ACTIVE");

    Queue updated =
        pcs.updateQueue(
                r ->
                    r.clusterIdentifier(cluster.name())
                        .queueIdentifier("work")
                        .computeNodeGroupConfigurations(groupRefs("beta", a.id())))
            .queue();

    assertThat(updated.status()).isEqualTo(QueueStatus.UPDATING);
    assertThat(updated.computeNodeGroupConfigurations())
        .extracting(ComputeNodeGroupConfiguration::computeNodeGroupId)
        .containsExactly(b.id(), a.id());
    assertThat(updated.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "60"));
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.createdAt()).isEqualTo(created.createdAt());
    awaitQueue(cluster.id(), created.id(), "ACTIVE");

    Queue second =
        pcs.updateQueue(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .queueIdentifier(created.id())
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "120"))))
            .queue();
    assertThat(second.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "120"));
    assertThat(second.computeNodeGroupConfigurations())
        .extracting(ComputeNodeGroupConfiguration::computeNodeGroupId)
        .containsExactly(b.id(), a.id());
    assertThat(awaitQueue(cluster.id(), created.id(), "ACTIVE").slurmConfiguration())
        .isEqualTo(second.slurmConfiguration());
  }

  @Test
  void deleteQueueRemovesItAndThenGetIsResourceNotFound() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q = activeQueue(cluster.id(), "work", "compute");

    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.name()).queueIdentifier("work"));
    try {
      assertThat(getQueue(cluster.id(), q.id()).status()).isEqualTo(QueueStatus.DELETING);
    } catch (ResourceNotFoundException alreadyGone) {
      assertThat(alreadyGone.resourceType()).isEqualTo("queue");
    }
    awaitGone("queue", () -> getQueue(cluster.id(), q.id()));

    ResourceNotFoundException e =
        failure(ResourceNotFoundException.class, () -> getQueue(cluster.id(), "work"));
    assertThat(e.resourceId()).isEqualTo("work");
    assertThat(e.resourceType()).isEqualTo("queue");
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(cluster.id())).queues()).isEmpty();
  }

  @Test
  void queueNamesAreUniquePerClusterOnly() {
    Cluster one = activeCluster();
    Cluster two = activeCluster();
    activeGroup(one.id(), "compute", 1);
    activeGroup(two.id(), "compute", 1);
    Queue first = pcs.createQueue(queueRequest(one.id(), "work", "compute").build()).queue();

    ConflictException e =
        failure(
            ConflictException.class,
            () -> pcs.createQueue(queueRequest(one.id(), "work", "compute").build()));
    assertThat(e.resourceId()).isEqualTo("work");
    assertThat(e.resourceType()).isEqualTo("queue");
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(one.id())).queues())
        .extracting(QueueSummary::id)
        .containsExactly(first.id());

    Queue other = pcs.createQueue(queueRequest(two.id(), "work", "compute").build()).queue();
    assertThat(other.clusterId()).isEqualTo(two.id());
    assertThat(other.id()).isNotEqualTo(first.id());
  }

  @Test
  void queueReferringToAnUnknownNodeGroupIsRefusedNamingTheField() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);

    ValidationException e =
        failure(
            ValidationException.class,
            () ->
                pcs.createQueue(
                    queueRequest(cluster.id(), "work", "compute", "nonexistent").build()));

    assertThat(e.reason()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
    assertThat(e.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("computeNodeGroupConfigurations[1].computeNodeGroupId");
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(cluster.id())).queues()).isEmpty();

    // A node group of another cluster is unknown here, even by its id.
    Cluster other = activeCluster();
    ComputeNodeGroup foreign = activeGroup(other.id(), "compute", 1);
    ValidationException cross =
        failure(
            ValidationException.class,
            () -> pcs.createQueue(queueRequest(cluster.id(), "work", foreign.id()).build()));
    assertThat(cross.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("computeNodeGroupConfigurations[0].computeNodeGroupId");
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(cluster.id())).queues()).isEmpty();
  }

  // ---------------------------------------------------------------- delete order and lifecycle

  @Test
  void nodeGroupUsedByAQueueCannotBeDeleted() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup used = activeGroup(cluster.id(), "used", 1);
    activeGroup(cluster.id(), "spare", 1);
    Queue q = activeQueue(cluster.id(), "work", "used");

    ConflictException e =
        failure(
            ConflictException.class,
            () ->
                pcs.deleteComputeNodeGroup(
                    r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier("used")));

    assertThat(e.resourceId()).isEqualTo(used.id());
    assertThat(e.resourceType()).isEqualTo("computenodegroup");
    assertThat(e.getMessage()).contains("work");
    assertThat(getGroup(cluster.id(), used.id()).status()).isEqualTo(ComputeNodeGroupStatus.ACTIVE);

    pcs.updateQueue(
        r ->
            r.clusterIdentifier(cluster.id())
                .queueIdentifier(q.id())
                .computeNodeGroupConfigurations(groupRefs("spare")));
    awaitQueue(cluster.id(), q.id(), "ACTIVE");
    pcs.deleteComputeNodeGroup(
        r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier("used"));
    awaitGone("node group used", () -> getGroup(cluster.id(), used.id()));
  }

  @Test
  void clusterWithQueuesOrNodeGroupsCannotBeDeleted() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 1);
    Queue q = activeQueue(cluster.id(), "work", "compute");

    ConflictException withBoth =
        failure(
            ConflictException.class,
            () -> pcs.deleteCluster(r -> r.clusterIdentifier(cluster.name())));
    assertThat(withBoth.resourceId()).isEqualTo(cluster.id());
    assertThat(withBoth.resourceType()).isEqualTo("cluster");

    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier(q.id()));
    awaitGone("queue", () -> getQueue(cluster.id(), q.id()));
    ConflictException withGroup =
        failure(
            ConflictException.class,
            () -> pcs.deleteCluster(r -> r.clusterIdentifier(cluster.id())));
    assertThat(withGroup.resourceId()).isEqualTo(cluster.id());
    assertThat(getCluster(cluster.id()).status()).isEqualTo(ClusterStatus.ACTIVE);

    pcs.deleteComputeNodeGroup(
        r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier(g.id()));
    awaitGone("node group", () -> getGroup(cluster.id(), g.id()));
    pcs.deleteCluster(r -> r.clusterIdentifier(cluster.id()));
    awaitGone("cluster", () -> getCluster(cluster.id()));
  }

  @Test
  void nodeGroupsAndQueuesCannotBeAddedToAClusterThatIsNotActive() {
    Cluster cluster = activeCluster();
    backdoor.forceClusterStatus(cluster.id(), "CREATE_FAILED");
    assertThat(getCluster(cluster.id()).status()).isEqualTo(ClusterStatus.CREATE_FAILED);

    ConflictException group =
        failure(
            ConflictException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(cluster.id(), "compute", 0, 1).build()));
    assertThat(group.resourceId()).isEqualTo(cluster.id());
    assertThat(group.resourceType()).isEqualTo("cluster");
    ConflictException queue =
        failure(
            ConflictException.class,
            () -> pcs.createQueue(queueRequest(cluster.id(), "work").build()));
    assertThat(queue.resourceId()).isEqualTo(cluster.id());
    assertThat(queue.resourceType()).isEqualTo("cluster");

    assertThat(
            pcs.listComputeNodeGroups(r -> r.clusterIdentifier(cluster.id())).computeNodeGroups())
        .isEmpty();
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(cluster.id())).queues()).isEmpty();
  }

  @Test
  void nodeGroupCreatedRightAfterItsClusterWasDeletedIsRefused() {
    Cluster cluster = activeCluster();
    pcs.deleteCluster(r -> r.clusterIdentifier(cluster.id()));

    // DELETING (Conflict) or already gone (ResourceNotFound), depending on the controller's speed;
    // never a new node group.
    Throwable thrown = null;
    try {
      pcs.createComputeNodeGroup(groupRequest(cluster.id(), "late", 0, 1).build());
    } catch (PcsException e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOfAny(ConflictException.class, ResourceNotFoundException.class);
    if (thrown instanceof ConflictException c) {
      assertThat(c.resourceId()).isEqualTo(cluster.id());
      assertThat(c.resourceType()).isEqualTo("cluster");
    }
    awaitGone("cluster", () -> getCluster(cluster.id()));
  }

  @Test
  void clusterCanBeUpdatedOnlyWhenActiveOrUpdateFailed() {
    Cluster cluster = activeCluster();
    backdoor.forceClusterStatus(cluster.id(), "CREATE_FAILED");

    ConflictException e =
        failure(
            ConflictException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(30))));
    assertThat(e.resourceId()).isEqualTo(cluster.id());
    assertThat(e.resourceType()).isEqualTo("cluster");
    Cluster unchanged = getCluster(cluster.id());
    assertThat(unchanged.status()).isEqualTo(ClusterStatus.CREATE_FAILED);
    assertThat(unchanged.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(600);

    backdoor.forceClusterStatus(cluster.id(), "UPDATE_FAILED");
    Cluster retried =
        pcs.updateCluster(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(30)))
            .cluster();
    assertThat(retried.status()).isEqualTo(ClusterStatus.UPDATING);
    assertThat(
            awaitCluster(cluster.id(), "ACTIVE").slurmConfiguration().scaleDownIdleTimeInSeconds())
        .isEqualTo(30);
  }

  @Test
  void clusterCannotBeUpdatedWhileOneOfItsChildrenIsNotActive() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 1);
    backdoor.forceNodeGroupStatus(g.id(), "UPDATE_FAILED");

    ConflictException e =
        failure(
            ConflictException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(30))));

    assertThat(e.resourceId()).isEqualTo(cluster.id());
    assertThat(e.getMessage()).contains("compute");
    assertThat(getCluster(cluster.id()).status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(getCluster(cluster.id()).slurmConfiguration().scaleDownIdleTimeInSeconds())
        .isEqualTo(600);
  }

  @Test
  void nodeGroupCanBeUpdatedOnlyWhenActiveOrUpdateFailed() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 2);
    backdoor.forceNodeGroupStatus(g.id(), "DELETE_FAILED");

    ConflictException e =
        failure(
            ConflictException.class,
            () ->
                pcs.updateComputeNodeGroup(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .computeNodeGroupIdentifier(g.id())
                            .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(5))));
    assertThat(e.resourceId()).isEqualTo(g.id());
    assertThat(e.resourceType()).isEqualTo("computenodegroup");
    assertThat(getGroup(cluster.id(), g.id()).scalingConfiguration().maxInstanceCount())
        .isEqualTo(2);

    backdoor.forceNodeGroupStatus(g.id(), "UPDATE_FAILED");
    pcs.updateComputeNodeGroup(
        r ->
            r.clusterIdentifier(cluster.id())
                .computeNodeGroupIdentifier(g.id())
                .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(5)));
    assertThat(awaitGroup(cluster.id(), g.id(), "ACTIVE").scalingConfiguration().maxInstanceCount())
        .isEqualTo(5);
  }

  @Test
  void queueCanBeUpdatedOnlyWhenActiveOrUpdateFailed() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q = activeQueue(cluster.id(), "work", "compute");
    backdoor.forceQueueStatus(q.id(), "CREATE_FAILED");

    ConflictException e =
        failure(
            ConflictException.class,
            () ->
                pcs.updateQueue(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .queueIdentifier(q.id())
                            .slurmConfiguration(
                                s -> s.slurmCustomSettings(setting("MaxTime", "5")))));
    assertThat(e.resourceId()).isEqualTo(q.id());
    assertThat(e.resourceType()).isEqualTo("queue");
    assertThat(getQueue(cluster.id(), q.id()).slurmConfiguration().slurmCustomSettings()).isEmpty();

    // A child of a cluster that is not ACTIVE cannot be updated either.
    backdoor.forceQueueStatus(q.id(), "ACTIVE");
    backdoor.forceClusterStatus(cluster.id(), "DELETE_FAILED");
    ConflictException parent =
        failure(
            ConflictException.class,
            () ->
                pcs.updateQueue(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .queueIdentifier(q.id())
                            .slurmConfiguration(
                                s -> s.slurmCustomSettings(setting("MaxTime", "5")))));
    assertThat(parent.resourceId()).isEqualTo(cluster.id());
    assertThat(parent.resourceType()).isEqualTo("cluster");
  }

  // ---------------------------------------------------------------- quotas

  @Test
  void eleventhNodeGroupExceedsThePerClusterQuota() {
    Cluster cluster = activeCluster();
    for (int i = 0; i < 10; i++) {
      pcs.createComputeNodeGroup(groupRequest(cluster.id(), "group" + i, 0, 1).build());
    }

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(cluster.id(), "group10", 0, 1).build()));

    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    assertThat(e.resourceId()).isEqualTo(cluster.id());
    assertThat(
            pcs
                .listComputeNodeGroupsPaginator(r -> r.clusterIdentifier(cluster.id()))
                .computeNodeGroups()
                .stream())
        .hasSize(10);
  }

  @Test
  void eleventhQueueExceedsThePerClusterQuota() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    for (int i = 0; i < 10; i++) {
      pcs.createQueue(queueRequest(cluster.id(), "queue" + i, "compute").build());
    }

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.createQueue(queueRequest(cluster.id(), "queue10", "compute").build()));

    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    assertThat(pcs.listQueuesPaginator(r -> r.clusterIdentifier(cluster.id())).queues().stream())
        .hasSize(10);
  }

  @Test
  void totalMaxInstancesAboveTheSmallClusterLimitIsRefusedAtCreate() {
    Cluster cluster = activeCluster();
    pcs.createComputeNodeGroup(groupRequest(cluster.id(), "big", 0, 20).build());

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(cluster.id(), "extra", 0, 13).build()));

    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    assertThat(e.resourceId()).isEqualTo(cluster.id());
    failure(ResourceNotFoundException.class, () -> getGroup(cluster.id(), "extra"));
    ComputeNodeGroup fits =
        pcs.createComputeNodeGroup(groupRequest(cluster.id(), "extra", 0, 12).build())
            .computeNodeGroup();
    assertThat(fits.scalingConfiguration().maxInstanceCount()).isEqualTo(12);
  }

  @Test
  void totalMaxInstancesAboveTheSmallClusterLimitIsRefusedAtUpdate() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "left", 16);
    ComputeNodeGroup right = activeGroup(cluster.id(), "right", 16);

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () ->
                pcs.updateComputeNodeGroup(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .computeNodeGroupIdentifier("right")
                            .scalingConfiguration(
                                s -> s.minInstanceCount(0).maxInstanceCount(17))));

    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    ComputeNodeGroup unchanged = getGroup(cluster.id(), right.id());
    assertThat(unchanged.scalingConfiguration().maxInstanceCount()).isEqualTo(16);
    assertThat(unchanged.status()).isEqualTo(ComputeNodeGroupStatus.ACTIVE);
    assertThat(unchanged.modifiedAt()).isEqualTo(right.modifiedAt());

    // Replacing its own maximum does not count the old value twice.
    pcs.updateComputeNodeGroup(
        r ->
            r.clusterIdentifier(cluster.id())
                .computeNodeGroupIdentifier("right")
                .scalingConfiguration(s -> s.minInstanceCount(1).maxInstanceCount(16)));
    assertThat(
            awaitGroup(cluster.id(), right.id(), "ACTIVE")
                .scalingConfiguration()
                .minInstanceCount())
        .isEqualTo(1);
  }

  @Test
  void mediumClusterAllowsMoreInstancesThanASmallOne() {
    Cluster medium = awaitCluster(createCluster(b -> b.size(Size.MEDIUM)).id(), "ACTIVE");

    ComputeNodeGroup g =
        pcs.createComputeNodeGroup(groupRequest(medium.id(), "wide", 0, 512).build())
            .computeNodeGroup();
    assertThat(g.scalingConfiguration().maxInstanceCount()).isEqualTo(512);
    failure(
        ServiceQuotaExceededException.class,
        () -> pcs.createComputeNodeGroup(groupRequest(medium.id(), "more", 0, 1).build()));
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  void sameTokenAndSameRequestReturnTheFirstResultWithoutASecondResource() {
    String token = token();
    String name = name("cl");
    Cluster first = pcs.createCluster(clusterRequest(name).clientToken(token).build()).cluster();
    awaitCluster(first.id(), "ACTIVE");

    Cluster again = pcs.createCluster(clusterRequest(name).clientToken(token).build()).cluster();

    assertThat(again).isEqualTo(first);
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .containsExactly(first.id());

    String groupToken = token();
    ComputeNodeGroup g1 =
        pcs.createComputeNodeGroup(
                groupRequest(first.id(), "compute", 0, 2).clientToken(groupToken).build())
            .computeNodeGroup();
    ComputeNodeGroup g2 =
        pcs.createComputeNodeGroup(
                groupRequest(first.id(), "compute", 0, 2).clientToken(groupToken).build())
            .computeNodeGroup();
    assertThat(g2.id()).isEqualTo(g1.id());
    awaitGroup(first.id(), g1.id(), "ACTIVE");

    String queueToken = token();
    Queue q1 =
        pcs.createQueue(queueRequest(first.id(), "work", "compute").clientToken(queueToken).build())
            .queue();
    Queue q2 =
        pcs.createQueue(queueRequest(first.id(), "work", "compute").clientToken(queueToken).build())
            .queue();
    assertThat(q2.id()).isEqualTo(q1.id());
    assertThat(pcs.listComputeNodeGroups(r -> r.clusterIdentifier(first.id())).computeNodeGroups())
        .hasSize(1);
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(first.id())).queues()).hasSize(1);
  }

  @Test
  void sameTokenWithADifferentRequestIsAConflictNamingTheToken() {
    String token = token();
    Cluster first =
        pcs.createCluster(clusterRequest(name("cl")).clientToken(token).build()).cluster();
    String otherName = name("cl");

    ConflictException e =
        failure(
            ConflictException.class,
            () -> pcs.createCluster(clusterRequest(otherName).clientToken(token).build()));

    assertThat(e.getMessage()).contains(token);
    assertThat(e.resourceId()).isNotNull();
    assertThat(e.resourceType()).isNotNull();
    failure(ResourceNotFoundException.class, () -> getCluster(otherName));
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .containsExactly(first.id());

    // A changed nested member is a different request too.
    ConflictException nested =
        failure(
            ConflictException.class,
            () ->
                pcs.createCluster(
                    clusterRequest(first.name()).size(Size.MEDIUM).clientToken(token).build()));
    assertThat(nested.getMessage()).contains(token);
  }

  @Test
  void tokenReusedForAnotherOperationIsAConflict() {
    String token = token();
    Cluster cluster =
        pcs.createCluster(clusterRequest(name("cl")).clientToken(token).build()).cluster();
    awaitCluster(cluster.id(), "ACTIVE");

    ConflictException delete =
        failure(
            ConflictException.class,
            () -> pcs.deleteCluster(r -> r.clusterIdentifier(cluster.id()).clientToken(token)));
    assertThat(delete.getMessage()).contains(token);
    ConflictException update =
        failure(
            ConflictException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .clientToken(token)
                            .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(60))));
    assertThat(update.getMessage()).contains(token);
    ConflictException group =
        failure(
            ConflictException.class,
            () ->
                pcs.createComputeNodeGroup(
                    groupRequest(cluster.id(), "compute", 0, 1).clientToken(token).build()));
    assertThat(group.getMessage()).contains(token);

    Cluster still = getCluster(cluster.id());
    assertThat(still.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(still.slurmConfiguration().scaleDownIdleTimeInSeconds()).isEqualTo(600);
    assertThat(
            pcs.listComputeNodeGroups(r -> r.clusterIdentifier(cluster.id())).computeNodeGroups())
        .isEmpty();
  }

  @Test
  void requestThatFailedWithATokenRunsWhenRetriedWithTheSameTokenOnceTheCauseIsGone() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue existing = activeQueue(cluster.id(), "work", "compute");
    String token = token();

    failure(
        ConflictException.class,
        () ->
            pcs.createQueue(
                queueRequest(cluster.id(), "work", "compute").clientToken(token).build()));
    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier(existing.id()));
    awaitGone("queue work", () -> getQueue(cluster.id(), existing.id()));

    Queue created =
        pcs.createQueue(queueRequest(cluster.id(), "work", "compute").clientToken(token).build())
            .queue();
    assertThat(created.id()).isNotEqualTo(existing.id());
    assertThat(created.name()).isEqualTo("work");

    // From now on the token is bound to that success.
    Queue replay =
        pcs.createQueue(queueRequest(cluster.id(), "work", "compute").clientToken(token).build())
            .queue();
    assertThat(replay.id()).isEqualTo(created.id());
    assertThat(pcs.listQueues(r -> r.clusterIdentifier(cluster.id())).queues()).hasSize(1);
  }

  @Test
  void replayedDeleteSucceedsAfterTheResourceIsGone() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q = activeQueue(cluster.id(), "work", "compute");
    String token = token();

    pcs.deleteQueue(
        r -> r.clusterIdentifier(cluster.id()).queueIdentifier(q.id()).clientToken(token));
    awaitGone("queue", () -> getQueue(cluster.id(), q.id()));

    var replay =
        pcs.deleteQueue(
            r -> r.clusterIdentifier(cluster.id()).queueIdentifier(q.id()).clientToken(token));
    assertThat(replay.responseMetadata().requestId()).isNotBlank();
    failure(
        ResourceNotFoundException.class,
        () ->
            pcs.deleteQueue(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .queueIdentifier(q.id())
                        .clientToken(token())));
  }

  @Test
  void replayedUpdateReturnsItsFirstResultWithoutUndoingALaterChange() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q = activeQueue(cluster.id(), "work", "compute");
    String first = token();

    Queue sixty =
        pcs.updateQueue(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .queueIdentifier(q.id())
                        .clientToken(first)
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60"))))
            .queue();
    awaitQueue(cluster.id(), q.id(), "ACTIVE");
    pcs.updateQueue(
        r ->
            r.clusterIdentifier(cluster.id())
                .queueIdentifier(q.id())
                .clientToken(token())
                .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "120"))));
    awaitQueue(cluster.id(), q.id(), "ACTIVE");

    Queue replay =
        pcs.updateQueue(
                r ->
                    r.clusterIdentifier(cluster.id())
                        .queueIdentifier(q.id())
                        .clientToken(first)
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60"))))
            .queue();

    assertThat(replay).isEqualTo(sixty);
    Queue stored = getQueue(cluster.id(), q.id());
    assertThat(stored.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "120"));
    assertThat(stored.status()).isEqualTo(QueueStatus.ACTIVE);
  }

  // ---------------------------------------------------------------- tags

  @Test
  void createTimeTagsAreListedForAllThreeKinds() {
    Cluster cluster =
        awaitCluster(
            createCluster(b -> b.tags(Map.of("team", "hpc", "env", "test"))).id(), "ACTIVE");
    ComputeNodeGroup g =
        activeGroup(
            groupRequest(cluster.id(), "compute", 0, 1).tags(Map.of("role", "compute")).build());
    Queue q =
        pcs.createQueue(
                queueRequest(cluster.id(), "work", "compute")
                    .tags(Map.of("billing", "proj-1", "empty", ""))
                    .build())
            .queue();

    assertThat(tagsOf(cluster.arn())).isEqualTo(Map.of("team", "hpc", "env", "test"));
    assertThat(tagsOf(g.arn())).isEqualTo(Map.of("role", "compute"));
    assertThat(tagsOf(q.arn())).isEqualTo(Map.of("billing", "proj-1", "empty", ""));
  }

  @Test
  void tagResourceAddsAndOverwritesAndUntagResourceRemovesByArn() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q =
        pcs.createQueue(
                queueRequest(cluster.id(), "work", "compute").tags(Map.of("a", "1")).build())
            .queue();

    var tagged = pcs.tagResource(r -> r.resourceArn(q.arn()).tags(Map.of("a", "2", "b", "3")));
    assertThat(tagged.responseMetadata().requestId()).isNotBlank();
    assertThat(tagsOf(q.arn())).isEqualTo(Map.of("a", "2", "b", "3"));

    var untagged = pcs.untagResource(r -> r.resourceArn(q.arn()).tagKeys("a", "not-there"));
    assertThat(untagged.responseMetadata().requestId()).isNotBlank();
    assertThat(tagsOf(q.arn())).isEqualTo(Map.of("b", "3"));

    pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(Map.of("owner", "ops")));
    assertThat(tagsOf(cluster.arn())).isEqualTo(Map.of("owner", "ops"));
    assertThat(tagsOf(q.arn())).isEqualTo(Map.of("b", "3"));
    pcs.untagResource(r -> r.resourceArn(cluster.arn()).tagKeys("owner"));
    assertThat(tagsOf(cluster.arn())).isEmpty();
  }

  @Test
  void tagKeysWithTheReservedAwsPrefixAreRefused() {
    Cluster cluster =
        pcs.createCluster(clusterRequest(name("cl")).tags(Map.of("keep", "me")).build()).cluster();

    ValidationException tag =
        failure(
            ValidationException.class,
            () ->
                pcs.tagResource(
                    r -> r.resourceArn(cluster.arn()).tags(Map.of("aws:owner", "x", "fine", "y"))));
    assertThat(tag.fieldList()).extracting(ValidationExceptionField::name).contains("tags");
    assertThat(tag.getMessage()).contains("aws:owner");
    assertThat(tagsOf(cluster.arn())).isEqualTo(Map.of("keep", "me"));

    String refused = name("cl");
    ValidationException create =
        failure(
            ValidationException.class,
            () -> pcs.createCluster(clusterRequest(refused).tags(Map.of("AWS:Name", "x")).build()));
    assertThat(create.fieldList()).extracting(ValidationExceptionField::name).contains("tags");
    failure(ResourceNotFoundException.class, () -> getCluster(refused));
  }

  @Test
  void moreThanTwoHundredTagsOnOneResourceExceedTheTagQuota() {
    Cluster cluster =
        pcs.createCluster(clusterRequest(name("cl")).tags(numberedTags("k", 150)).build())
            .cluster();

    ServiceQuotaExceededException e =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(numberedTags("n", 51))));
    assertThat(e.serviceCode()).isEqualTo("pcs");
    assertThat(e.quotaCode()).isNotBlank();
    assertThat(e.resourceId()).isEqualTo(cluster.id());
    assertThat(tagsOf(cluster.arn())).hasSize(150);

    pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(numberedTags("n", 50)));
    assertThat(tagsOf(cluster.arn())).hasSize(200);
    // Overwriting existing keys does not grow the count.
    pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(Map.of("k0", "new")));
    assertThat(tagsOf(cluster.arn())).hasSize(200).containsEntry("k0", "new");
    failure(
        ServiceQuotaExceededException.class,
        () -> pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(Map.of("one-more", "x"))));

    // More than 200 in one request breaks the model's own limit.
    ValidationException tooMany =
        failure(
            ValidationException.class,
            () ->
                pcs.createCluster(clusterRequest(name("cl")).tags(numberedTags("t", 201)).build()));
    assertThat(tooMany.fieldList()).extracting(ValidationExceptionField::name).contains("tags");
  }

  @Test
  void tagOperationsOnAnUnknownArnAreResourceNotFound() {
    Cluster cluster = activeCluster();
    String account = cluster.arn().split(":")[4];
    String unknownCluster = "arn:aws:pcs:us-east-1:" + account + ":cluster/pcs_zzzzzzzzzz";
    String unknownQueue = cluster.arn() + "/queue/pcs_zzzzzzzzzz";
    String otherAccount =
        cluster
            .arn()
            .replace(
                ":" + account + ":",
                ":" + (account.equals("111111111111") ? "222222222222" : "111111111111") + ":");
    // A real node group, addressed under a cluster it does not belong to.
    Cluster owner = activeCluster();
    ComputeNodeGroup g = activeGroup(owner.id(), "compute", 1);
    String wrongParent = cluster.arn() + "/computenodegroup/" + g.id();

    for (String arn : List.of(unknownCluster, unknownQueue, otherAccount, wrongParent)) {
      ResourceNotFoundException list =
          failure(
              ResourceNotFoundException.class,
              () -> pcs.listTagsForResource(r -> r.resourceArn(arn)));
      assertThat(list.resourceId()).isEqualTo(arn);
      assertThat(list.resourceType()).isNotBlank();
      failure(
          ResourceNotFoundException.class,
          () -> pcs.tagResource(r -> r.resourceArn(arn).tags(Map.of("a", "b"))));
      failure(
          ResourceNotFoundException.class,
          () -> pcs.untagResource(r -> r.resourceArn(arn).tagKeys("a")));
    }
    assertThat(tagsOf(g.arn())).isEmpty();
  }

  @Test
  void tagsDisappearWithTheirResource() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q =
        awaitQueue(
            cluster.id(),
            pcs.createQueue(
                    queueRequest(cluster.id(), "work", "compute").tags(Map.of("a", "1")).build())
                .queue()
                .id(),
            "ACTIVE");

    pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier(q.id()));
    awaitGone("queue", () -> getQueue(cluster.id(), q.id()));

    failure(
        ResourceNotFoundException.class,
        () -> pcs.listTagsForResource(r -> r.resourceArn(q.arn())));
    Queue again = pcs.createQueue(queueRequest(cluster.id(), "work", "compute").build()).queue();
    assertThat(again.arn()).isNotEqualTo(q.arn());
    assertThat(tagsOf(again.arn())).isEmpty();

    // The same for a cluster.
    Cluster tagged =
        pcs.createCluster(clusterRequest(name("cl")).tags(Map.of("x", "y")).build()).cluster();
    awaitCluster(tagged.id(), "ACTIVE");
    pcs.deleteCluster(r -> r.clusterIdentifier(tagged.id()));
    awaitGone("cluster", () -> getCluster(tagged.id()));
    failure(
        ResourceNotFoundException.class,
        () -> pcs.listTagsForResource(r -> r.resourceArn(tagged.arn())));
  }

  // ---------------------------------------------------------------- validation

  @Test
  void requestWithSeveralBadFieldsFailsOnceNamingEveryField() {
    ValidationException e =
        failure(
            ValidationException.class,
            () ->
                pcs.createCluster(
                    r ->
                        r.clusterName("9-starts-with-a-digit")
                            .scheduler(s -> s.type(SchedulerType.SLURM).version(VERSION))
                            .networking(n -> n.subnetIds("subnet-x"))
                            .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(0))));

    assertThat(e.reason()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactlyInAnyOrder(
            "clusterName",
            "size",
            "networking.subnetIds[0]",
            "slurmConfiguration.scaleDownIdleTimeInSeconds");
    assertThat(e.fieldList()).allSatisfy(f -> assertThat(f.message()).isNotBlank());
    assertThat(pcs.listClusters(r -> {}).clusters()).isEmpty();
  }

  @Test
  void modelAndSemanticProblemsOfOneRequestAreReportedTogether() {
    Cluster cluster = activeCluster();

    ValidationException e =
        failure(
            ValidationException.class,
            () ->
                pcs.createComputeNodeGroup(
                    groupRequest(cluster.id(), "compute", 5, 2).amiId("not-an-ami").build()));

    assertThat(e.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactlyInAnyOrder("amiId", "scalingConfiguration.minInstanceCount");
  }

  @Test
  void semanticClusterChecksNameTheirFields() {
    String name = name("cl");
    ValidationException create =
        failure(
            ValidationException.class,
            () ->
                pcs.createCluster(
                    clusterRequest(name)
                        .networking(n -> n.subnetIds(SUBNET, "subnet-0123456789abcdef1"))
                        .slurmConfiguration(
                            s ->
                                s.accounting(
                                    a -> a.mode(AccountingMode.STANDARD).defaultPurgeTimeInDays(0)))
                        .build()));
    assertThat(create.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactlyInAnyOrder(
            "networking.subnetIds", "slurmConfiguration.accounting.defaultPurgeTimeInDays");
    failure(ResourceNotFoundException.class, () -> getCluster(name));

    Cluster cluster = activeCluster();
    ValidationException update =
        failure(
            ValidationException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .slurmConfiguration(
                                s -> s.accounting(a -> a.defaultPurgeTimeInDays(0)))));
    assertThat(update.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("slurmConfiguration.accounting.defaultPurgeTimeInDays");
    Cluster unchanged = getCluster(cluster.id());
    assertThat(unchanged.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(unchanged.slurmConfiguration().accounting().defaultPurgeTimeInDays()).isEqualTo(-1);
  }

  @Test
  void unavailableSchedulerVersionIsRefusedNamingTheAvailableVersions() {
    String name = name("cl");

    ValidationException e =
        failure(
            ValidationException.class,
            () ->
                pcs.createCluster(
                    clusterRequest(name)
                        .scheduler(s -> s.type(SchedulerType.SLURM).version("23.11"))
                        .build()));

    assertThat(e.reason()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
    assertThat(e.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("scheduler.version");
    assertThat(e.fieldList().get(0).message()).contains("23.11", "24.11", "25.05");
    failure(ResourceNotFoundException.class, () -> getCluster(name));
  }

  @Test
  void minInstanceCountAboveMaxIsRefusedAtCreateAndAtUpdate() {
    Cluster cluster = activeCluster();

    ValidationException create =
        failure(
            ValidationException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(cluster.id(), "compute", 3, 2).build()));
    assertThat(create.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("scalingConfiguration.minInstanceCount");
    assertThat(
            pcs.listComputeNodeGroups(r -> r.clusterIdentifier(cluster.id())).computeNodeGroups())
        .isEmpty();

    ComputeNodeGroup g = activeGroup(cluster.id(), "compute", 2);
    ValidationException update =
        failure(
            ValidationException.class,
            () ->
                pcs.updateComputeNodeGroup(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .computeNodeGroupIdentifier(g.id())
                            .scalingConfiguration(s -> s.minInstanceCount(5).maxInstanceCount(1))));
    assertThat(update.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("scalingConfiguration.minInstanceCount");
    ComputeNodeGroup unchanged = getGroup(cluster.id(), g.id());
    assertThat(unchanged.scalingConfiguration()).isEqualTo(g.scalingConfiguration());
    assertThat(unchanged.status()).isEqualTo(ComputeNodeGroupStatus.ACTIVE);
  }

  static Stream<Arguments> clusterSettingsThatCouldAlterTheConfig() {
    return Stream.of(
        Arguments.of("unknown parameter", "SlurmUser", "root", "parameterName"),
        Arguments.of("value with a newline", "MinJobAge", "30\nSlurmUser=root", "parameterValue"),
        Arguments.of(
            "value with a comment marker",
            "SchedulerParameters",
            "bf_interval=30#x",
            "parameterValue"),
        Arguments.of(
            "value with a blank and another Key=",
            "Licenses",
            "foo SlurmUser=root",
            "parameterValue"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusterSettingsThatCouldAlterTheConfig")
  void clusterCustomSettingThatCouldAlterTheConfigIsRefusedAndTheClusterIsUnchanged(
      String what, String name, String value, String member) {
    Cluster cluster =
        awaitCluster(
            createCluster(
                    b ->
                        b.slurmConfiguration(
                            s -> s.slurmCustomSettings(setting("MinJobAge", "30"))))
                .id(),
            "ACTIVE");

    ValidationException update =
        failure(
            ValidationException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .slurmConfiguration(
                                s ->
                                    s.slurmCustomSettings(
                                        setting("PriorityWeightAge", "10"),
                                        setting(name, value)))));
    assertThat(update.reason()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
    assertThat(update.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly(SETTINGS + "[1]." + member);

    Cluster unchanged = getCluster(cluster.id());
    assertThat(unchanged.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(unchanged.modifiedAt()).isEqualTo(cluster.modifiedAt());
    assertThat(unchanged.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MinJobAge", "30"));

    String refused = name("cl");
    ValidationException create =
        failure(
            ValidationException.class,
            () ->
                pcs.createCluster(
                    clusterRequest(refused)
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting(name, value)))
                        .build()));
    assertThat(create.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly(SETTINGS + "[0]." + member);
    failure(ResourceNotFoundException.class, () -> getCluster(refused));
  }

  @Test
  void everyBadCustomSettingOfOneRequestIsNamed() {
    Cluster cluster = activeCluster();

    ValidationException e =
        failure(
            ValidationException.class,
            () ->
                pcs.updateCluster(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .slurmConfiguration(
                                s ->
                                    s.slurmCustomSettings(
                                        setting("NoSuchParameter", "1"),
                                        setting("Prolog", "/opt/x\nEpilog=/tmp/evil"),
                                        setting("MinJobAge", "30"),
                                        setting("SchedulerParameters", "a#b"),
                                        setting("Licenses", "foo Epilog=/tmp/evil")))));

    assertThat(e.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactlyInAnyOrder(
            SETTINGS + "[0].parameterName",
            SETTINGS + "[1].parameterValue",
            SETTINGS + "[3].parameterValue",
            SETTINGS + "[4].parameterValue");
    assertThat(getCluster(cluster.id()).slurmConfiguration().slurmCustomSettings()).isEmpty();
  }

  @Test
  void partitionSettingValueWithAnEqualsSignIsRefusedAndTheQueueIsUnchanged() {
    Cluster cluster = activeCluster();
    activeGroup(cluster.id(), "compute", 1);
    Queue q =
        awaitQueue(
            cluster.id(),
            pcs.createQueue(
                    queueRequest(cluster.id(), "work", "compute")
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60")))
                        .build())
                .queue()
                .id(),
            "ACTIVE");

    ValidationException update =
        failure(
            ValidationException.class,
            () ->
                pcs.updateQueue(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .queueIdentifier(q.id())
                            .slurmConfiguration(
                                s ->
                                    s.slurmCustomSettings(
                                        setting("MaxTime", "30"),
                                        setting("AllowAccounts", "a=b")))));
    assertThat(update.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly(SETTINGS + "[1].parameterValue");
    Queue unchanged = getQueue(cluster.id(), q.id());
    assertThat(unchanged.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "60"));
    assertThat(unchanged.modifiedAt()).isEqualTo(q.modifiedAt());

    ValidationException create =
        failure(
            ValidationException.class,
            () ->
                pcs.createQueue(
                    queueRequest(cluster.id(), "other", "compute")
                        .slurmConfiguration(s -> s.slurmCustomSettings(setting("Nodes", "evil")))
                        .build()));
    assertThat(create.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly(SETTINGS + "[0].parameterName");
    failure(ResourceNotFoundException.class, () -> getQueue(cluster.id(), "other"));
  }

  @Test
  void nodeSettingsThatCouldAlterTheNodeLineAreRefusedAndTheGroupIsUnchanged() {
    Cluster cluster = activeCluster();
    ComputeNodeGroup g =
        activeGroup(
            groupRequest(cluster.id(), "compute", 0, 2)
                .slurmConfiguration(s -> s.slurmCustomSettings(setting("Weight", "10")))
                .build());

    ValidationException update =
        failure(
            ValidationException.class,
            () ->
                pcs.updateComputeNodeGroup(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .computeNodeGroupIdentifier(g.id())
                            .slurmConfiguration(
                                s ->
                                    s.slurmCustomSettings(
                                        setting("Features", "gpu=1"),
                                        setting("Weight", "10\nNodeName=evil"),
                                        setting("State", "IDLE")))));
    assertThat(update.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactlyInAnyOrder(
            SETTINGS + "[0].parameterValue",
            SETTINGS + "[1].parameterValue",
            SETTINGS + "[2].parameterName");
    ComputeNodeGroup unchanged = getGroup(cluster.id(), g.id());
    assertThat(unchanged.slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("Weight", "10"));
    assertThat(unchanged.status()).isEqualTo(ComputeNodeGroupStatus.ACTIVE);
  }

  @Test
  void allowedCustomSettingsRoundTripOnAllThreeKinds() {
    Cluster cluster =
        awaitCluster(
            createCluster(
                    b ->
                        b.slurmConfiguration(
                            s -> s.slurmCustomSettings(setting("MinJobAge", "30"))))
                .id(),
            "ACTIVE");
    activeGroup(
        groupRequest(cluster.id(), "compute", 0, 2)
            .slurmConfiguration(s -> s.slurmCustomSettings(setting("Weight", "10")))
            .build());
    pcs.createQueue(
        queueRequest(cluster.id(), "work", "compute")
            .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "60")))
            .build());

    assertThat(getCluster(cluster.name()).slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MinJobAge", "30"));
    assertThat(getGroup(cluster.id(), "compute").slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("Weight", "10"));
    assertThat(getQueue(cluster.id(), "work").slurmConfiguration().slurmCustomSettings())
        .containsExactly(setting("MaxTime", "60"));
  }

  // ---------------------------------------------------------------- registration

  @Test
  void registrationWithAnUnknownBootstrapIdIsAccessDenied() {
    Cluster cluster = activeCluster();

    AccessDeniedException e =
        failure(
            AccessDeniedException.class,
            () ->
                pcs.registerComputeNodeGroupInstance(
                    r ->
                        r.clusterIdentifier(cluster.id())
                            .bootstrapId("i-0123456789abcdef0-unknown")));

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.getMessage()).doesNotContainIgnoringCase("secret");
  }

  @Test
  void registrationForAnUnknownClusterIsAccessDenied() {
    // The model lists only AccessDenied (and InternalServer) for this operation; PCS answers
    // AccessDenied when the cluster does not exist, so an agent cannot probe for cluster ids.
    AccessDeniedException e =
        failure(
            AccessDeniedException.class,
            () ->
                pcs.registerComputeNodeGroupInstance(
                    r -> r.clusterIdentifier("pcs_zzzzzzzzzz").bootstrapId("b-1")));

    assertThat(e.statusCode()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- errors and request ids

  @Test
  void everyModelledErrorMapsToItsSdkExceptionWithItsMembers() {
    Cluster cluster = activeCluster();
    List<PcsException> errors = new ArrayList<>();

    ValidationException validation =
        failure(ValidationException.class, () -> pcs.listClusters(r -> r.maxResults(101)));
    assertThat(validation.reason()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
    assertThat(validation.fieldList())
        .extracting(ValidationExceptionField::name)
        .containsExactly("maxResults");
    assertThat(validation.statusCode()).isEqualTo(400);
    errors.add(validation);

    ResourceNotFoundException notFound =
        failure(ResourceNotFoundException.class, () -> getQueue(cluster.id(), "missing"));
    assertThat(notFound.resourceId()).isEqualTo("missing");
    assertThat(notFound.resourceType()).isEqualTo("queue");
    assertThat(notFound.statusCode()).isEqualTo(404);
    errors.add(notFound);

    ConflictException conflict =
        failure(
            ConflictException.class,
            () -> pcs.createCluster(clusterRequest(cluster.name()).build()));
    assertThat(conflict.resourceId()).isEqualTo(cluster.name());
    assertThat(conflict.resourceType()).isEqualTo("cluster");
    assertThat(conflict.statusCode()).isEqualTo(409);
    errors.add(conflict);

    ServiceQuotaExceededException quota =
        failure(
            ServiceQuotaExceededException.class,
            () -> pcs.createComputeNodeGroup(groupRequest(cluster.id(), "huge", 0, 33).build()));
    assertThat(quota.serviceCode()).isEqualTo("pcs");
    assertThat(quota.quotaCode()).isNotBlank();
    assertThat(quota.resourceId()).isEqualTo(cluster.id());
    assertThat(quota.resourceType()).isEqualTo("cluster");
    assertThat(quota.statusCode()).isEqualTo(402);
    errors.add(quota);

    AccessDeniedException denied =
        failure(
            AccessDeniedException.class,
            () ->
                pcs.registerComputeNodeGroupInstance(
                    r -> r.clusterIdentifier(cluster.id()).bootstrapId("unknown")));
    assertThat(denied.statusCode()).isEqualTo(403);
    errors.add(denied);

    assertThat(errors)
        .extracting(PcsException::requestId)
        .doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).isNotBlank());
    assertThat(errors).allSatisfy(e -> assertThat(e.retryable()).isFalse());
  }

  @Test
  void everyOperationAnswersWithARequestId() {
    Map<String, PcsResponse> responses = new LinkedHashMap<>();
    Cluster cluster = pcs.createCluster(clusterRequest(name("cl")).build()).cluster();
    responses.put("CreateCluster", pcs.createCluster(clusterRequest(name("cl")).build()));
    awaitCluster(cluster.id(), "ACTIVE");
    responses.put("GetCluster", pcs.getCluster(r -> r.clusterIdentifier(cluster.id())));
    responses.put("ListClusters", pcs.listClusters(r -> {}));
    responses.put(
        "UpdateCluster",
        pcs.updateCluster(
            r ->
                r.clusterIdentifier(cluster.id())
                    .slurmConfiguration(s -> s.scaleDownIdleTimeInSeconds(60))));
    awaitCluster(cluster.id(), "ACTIVE");
    responses.put(
        "CreateComputeNodeGroup",
        pcs.createComputeNodeGroup(groupRequest(cluster.id(), "compute", 0, 1).build()));
    awaitGroup(cluster.id(), "compute", "ACTIVE");
    responses.put(
        "GetComputeNodeGroup",
        pcs.getComputeNodeGroup(
            r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier("compute")));
    responses.put(
        "ListComputeNodeGroups", pcs.listComputeNodeGroups(r -> r.clusterIdentifier(cluster.id())));
    responses.put(
        "UpdateComputeNodeGroup",
        pcs.updateComputeNodeGroup(
            r ->
                r.clusterIdentifier(cluster.id())
                    .computeNodeGroupIdentifier("compute")
                    .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(2))));
    awaitGroup(cluster.id(), "compute", "ACTIVE");
    responses.put(
        "CreateQueue", pcs.createQueue(queueRequest(cluster.id(), "work", "compute").build()));
    awaitQueue(cluster.id(), "work", "ACTIVE");
    responses.put(
        "GetQueue", pcs.getQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier("work")));
    responses.put("ListQueues", pcs.listQueues(r -> r.clusterIdentifier(cluster.id())));
    responses.put(
        "UpdateQueue",
        pcs.updateQueue(
            r ->
                r.clusterIdentifier(cluster.id())
                    .queueIdentifier("work")
                    .slurmConfiguration(s -> s.slurmCustomSettings(setting("MaxTime", "10")))));
    awaitQueue(cluster.id(), "work", "ACTIVE");
    responses.put(
        "TagResource", pcs.tagResource(r -> r.resourceArn(cluster.arn()).tags(Map.of("a", "b"))));
    responses.put(
        "ListTagsForResource", pcs.listTagsForResource(r -> r.resourceArn(cluster.arn())));
    responses.put(
        "UntagResource", pcs.untagResource(r -> r.resourceArn(cluster.arn()).tagKeys("a")));
    AccessDeniedException register =
        failure(
            AccessDeniedException.class,
            () ->
                pcs.registerComputeNodeGroupInstance(
                    r -> r.clusterIdentifier(cluster.id()).bootstrapId("b-1")));
    responses.put(
        "DeleteQueue",
        pcs.deleteQueue(r -> r.clusterIdentifier(cluster.id()).queueIdentifier("work")));
    awaitGone("queue", () -> getQueue(cluster.id(), "work"));
    responses.put(
        "DeleteComputeNodeGroup",
        pcs.deleteComputeNodeGroup(
            r -> r.clusterIdentifier(cluster.id()).computeNodeGroupIdentifier("compute")));
    awaitGone("node group", () -> getGroup(cluster.id(), "compute"));
    responses.put("DeleteCluster", pcs.deleteCluster(r -> r.clusterIdentifier(cluster.id())));

    assertThat(responses).hasSize(18);
    Map<String, String> ids = new HashMap<>();
    responses.forEach((op, response) -> ids.put(op, response.responseMetadata().requestId()));
    ids.put("RegisterComputeNodeGroupInstance", register.requestId());
    assertThat(ids).hasSize(19);
    assertThat(ids.values())
        .allSatisfy(id -> assertThat(id).isNotBlank().isNotEqualTo("UNKNOWN"))
        .doesNotHaveDuplicates();
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentCreatesOfOneClusterNameLeaveExactlyOneCluster() throws Exception {
    String name = name("race");

    List<Outcome> outcomes =
        race(8, () -> pcs.createCluster(clusterRequest(name).build()).cluster().id());

    List<String> created =
        outcomes.stream().filter(o -> o.value != null).map(o -> o.value).toList();
    assertThat(created).hasSize(1);
    assertThat(outcomes.stream().filter(o -> o.error != null))
        .hasSize(7)
        .allSatisfy(
            o -> {
              assertThat(o.error).isInstanceOf(ConflictException.class);
              assertThat(((ConflictException) o.error).resourceType()).isEqualTo("cluster");
            });
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .containsExactly(created.get(0));
  }

  @Test
  void concurrentCreatesOfDistinctClustersNeverExceedTheServerQuota() throws Exception {
    var next = new java.util.concurrent.atomic.AtomicInteger();
    String prefix = name("many");

    List<Outcome> outcomes =
        race(
            8,
            () ->
                pcs.createCluster(clusterRequest(prefix + "-" + next.getAndIncrement()).build())
                    .cluster()
                    .id());

    assertThat(outcomes.stream().filter(o -> o.value != null)).hasSize(5);
    assertThat(outcomes.stream().filter(o -> o.error != null))
        .hasSize(3)
        .allSatisfy(o -> assertThat(o.error).isInstanceOf(ServiceQuotaExceededException.class));
    assertThat(pcs.listClusters(r -> {}).clusters()).hasSize(5);
  }

  @Test
  void concurrentRetriesWithOneClientTokenAllGetTheSameCluster() throws Exception {
    String name = name("twin");
    String token = token();

    List<Outcome> outcomes =
        race(
            8,
            () ->
                pcs.createCluster(clusterRequest(name).clientToken(token).build()).cluster().id());

    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.error).as("error of a twin request").isNull());
    assertThat(outcomes.stream().map(Outcome::value).distinct()).hasSize(1);
    assertThat(pcs.listClusters(r -> {}).clusters())
        .extracting(ClusterSummary::id)
        .containsExactly(outcomes.get(0).value);
  }

  @Test
  void concurrentNodeGroupCreatesNeverExceedTheInstanceQuota() throws Exception {
    Cluster cluster = activeCluster();
    List<String> names = IntStream.range(0, 8).mapToObj(i -> "group" + i).toList();
    var next = new java.util.concurrent.atomic.AtomicInteger();

    List<Outcome> outcomes =
        race(
            8,
            () ->
                pcs.createComputeNodeGroup(
                        groupRequest(cluster.id(), names.get(next.getAndIncrement()), 0, 10)
                            .build())
                    .computeNodeGroup()
                    .id());

    assertThat(outcomes.stream().filter(o -> o.value != null)).hasSize(3);
    assertThat(outcomes.stream().filter(o -> o.error != null))
        .hasSize(5)
        .allSatisfy(o -> assertThat(o.error).isInstanceOf(ServiceQuotaExceededException.class));
    int total =
        pcs
            .listComputeNodeGroupsPaginator(r -> r.clusterIdentifier(cluster.id()))
            .computeNodeGroups()
            .stream()
            .mapToInt(s -> getGroup(cluster.id(), s.id()).scalingConfiguration().maxInstanceCount())
            .sum();
    assertThat(total).isEqualTo(30).isLessThanOrEqualTo(32);
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, String> tagsOf(String arn) {
    return pcs.listTagsForResource(r -> r.resourceArn(arn)).tags();
  }

  private static Map<String, String> numberedTags(String prefix, int n) {
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < n; i++) {
      tags.put(prefix + i, "v" + i);
    }
    return tags;
  }

  /** What one racing call returned or threw. */
  private record Outcome(String value, Throwable error) {}

  /** Runs {@code call} on {@code threads} threads released at the same instant. */
  private static List<Outcome> race(int threads, Callable<String> call)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return call.call();
                }));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<String> f : futures) {
        try {
          outcomes.add(new Outcome(f.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome(null, e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("a racing call did not finish within 60 s", e);
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
