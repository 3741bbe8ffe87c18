package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.provider.Instance;
import org.openpcs.provider.local.LaunchTemplates;
import software.amazon.awssdk.services.pcs.model.ComputeNodeGroup;
import software.amazon.awssdk.services.pcs.model.CreateComputeNodeGroupRequest;
import software.amazon.awssdk.services.pcs.model.ErrorInfo;
import software.amazon.awssdk.services.pcs.model.ValidationException;

/**
 * A launch template whose bootstrap script fails: the node group says so in its {@code errorInfo}
 * (with the script's exit code and output), every failed instance is terminated and replaced, the
 * Slurm node never comes up, and deleting the group leaves no process. Unknown launch templates,
 * node images and instance types are refused with the known ones listed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapFailureIT {
  private static final String GROUP_TAG = "aws:pcs:compute-node-group-id";
  private SlurmHarness h;
  private LaunchTemplates templates;

  @BeforeAll
  void start() {
    h = new SlurmHarness();
    // A registry on the server's directory, as `openpcs launch-templates create` uses; the running
    // server picks up what it writes.
    templates = new LaunchTemplates(h.dataDir.resolve("launch-templates"));
  }

  @AfterAll
  void stop() {
    h.close();
    assertThat(ProcessScan.describe(h.processesUsingDataDir())).isEmpty();
  }

  @Test
  void aFailingBootstrapScriptIsReportedAndItsInstancesAreReplaced() {
    String c = h.createCluster("broken-boot");
    String lt = templates.create("broken", "echo broken setup >&2; exit 3", Map.of()).id();
    String g =
        h.pcs
            .createComputeNodeGroup(
                group(c, "broken", r -> r.customLaunchTemplate(t -> t.id(lt).version("1"))))
            .computeNodeGroup()
            .id();
    String q = h.createQueue(c, "work", g);

    // While watching: every instance seen, and every state Slurm gave the node.
    Set<String> instances = new LinkedHashSet<>();
    Set<String> nodeStates = new LinkedHashSet<>();
    List<ErrorInfo> failure = new ArrayList<>();
    Runnable watch =
        () -> {
          h.server.provider().describe(Map.of(GROUP_TAG, g)).stream()
              .map(Instance::instanceId)
              .forEach(instances::add);
          nodeStates.add(h.run(c, "sinfo", "-h", "-n", "broken-1", "-o", "%T").output());
        };

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          watch.run();
          List<ErrorInfo> errors = get(c, g).errorInfo();
          errors.stream()
              .filter(e -> "BOOTSTRAP_FAILED".equals(e.code()))
              .findFirst()
              .ifPresent(failure::add);
          return !failure.isEmpty();
        },
        () -> "errorInfo BOOTSTRAP_FAILED: " + get(c, g));
    assertThat(failure.get(0).message())
        .as("the node, the exit code and the script's output")
        .contains("broken-1")
        .contains("exited with code 3")
        .contains("broken setup");

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          watch.run();
          List<Instance> all = h.server.provider().describe(Map.of(GROUP_TAG, g));
          return instances.size() >= 2 && all.stream().anyMatch(Instance::terminated);
        },
        () ->
            "failed instances terminated and replaced: "
                + h.server.provider().describe(Map.of(GROUP_TAG, g)));
    List<Instance> all = h.server.provider().describe(Map.of(GROUP_TAG, g));
    assertThat(all.stream().filter(i -> !i.terminated()))
        .as("never more than the group's one static instance at a time")
        .hasSizeLessThanOrEqualTo(1);
    assertThat(all)
        .filteredOn(Instance::terminated)
        .allSatisfy(i -> assertThat(i.tags()).containsEntry("openpcs:node-name", "broken-1"));
    assertThat(nodeStates)
        .as("Slurm never had node broken-1 up")
        .allSatisfy(s -> assertThat(s).doesNotContain("idle", "mixed", "allocated"));
    assertThat(h.slurm(c, "sinfo", "-h", "-n", "broken-1", "-o", "%T"))
        .doesNotContain("idle", "mixed", "allocated");
    assertThat(ProcessScan.slurmds(h.dataDir)).as("no slurmd ever stays").isEmpty();

    h.pcs.deleteQueue(r -> r.clusterIdentifier(c).queueIdentifier(q));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> h.pcs.listQueues(r -> r.clusterIdentifier(c)).queues().isEmpty(),
        () -> "queue gone");
    h.pcs.deleteComputeNodeGroup(r -> r.clusterIdentifier(c).computeNodeGroupIdentifier(g));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () ->
            h.pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c)).computeNodeGroups().isEmpty(),
        () -> "group gone: " + h.pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c)));
    assertThat(h.server.provider().describe(Map.of(GROUP_TAG, g)))
        .as("every instance of the group terminated")
        .allMatch(Instance::terminated);
    SlurmHarness.await(
        Duration.ofSeconds(20),
        () -> ProcessScan.using(h.dataDir.resolve("instances")).isEmpty(),
        () ->
            "no process of an instance left: "
                + ProcessScan.describe(ProcessScan.using(h.dataDir.resolve("instances"))));
  }

  /**
   * A node whose bootstrap always fails is relaunched as fast as the reconcile loop runs: on this
   * 2-core machine about 16 instances a second (66 within 4 s), each kept with its directory for
   * the terminated-instance retention (1 h), i.e. tens of thousands per hour. EC2-backed PCS and
   * the controller supervision in OpenPCS itself back off; instance replacement should too.
   */
  @Test
  void aNodeThatKeepsFailingToBootstrapIsRelaunchedWithBackOff() {
    String c = h.createCluster("crash-loop");
    String lt = templates.create("crash-loop", "exit 1", Map.of()).id();
    String g =
        h.pcs
            .createComputeNodeGroup(
                group(c, "looping", r -> r.customLaunchTemplate(t -> t.id(lt).version("1"))))
            .computeNodeGroup()
            .id();
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> get(c, g).errorInfo().stream().anyMatch(e -> "BOOTSTRAP_FAILED".equals(e.code())),
        () -> "first BOOTSTRAP_FAILED: " + get(c, g));
    int before = h.server.provider().describe(Map.of(GROUP_TAG, g)).size();
    // More than 10 further launches within 10 s must not happen: the wait has to time out.
    boolean crashLoop;
    try {
      SlurmHarness.await(
          Duration.ofSeconds(10),
          () -> h.server.provider().describe(Map.of(GROUP_TAG, g)).size() - before > 10,
          () -> "more than 10 relaunches");
      crashLoop = true;
    } catch (AssertionError timedOut) {
      crashLoop = false;
    }
    assertThat(crashLoop)
        .as(
            "more than 10 relaunches of one always-failing node within 10 s (%d instances)",
            h.server.provider().describe(Map.of(GROUP_TAG, g)).size())
        .isFalse();
  }

  @Test
  void unknownTemplatesImagesAndInstanceTypesAreValidationExceptionsListingTheKnownOnes() {
    String c = h.createCluster("validate");
    String known = templates.create("known", "true", Map.of()).id();

    ValidationException template =
        refused(
            group(
                c,
                "t",
                r -> r.customLaunchTemplate(t -> t.id("lt-0123456789abcdef0").version("1"))));
    assertThat(template.getMessage())
        .contains("lt-0123456789abcdef0")
        .contains(LaunchTemplates.DEFAULT_ID)
        .contains(known);
    assertThat(template.fieldList())
        .anySatisfy(f -> assertThat(f.name()).isEqualTo("customLaunchTemplate.id"));

    ValidationException version =
        refused(group(c, "v", r -> r.customLaunchTemplate(t -> t.id(known).version("7"))));
    assertThat(version.getMessage()).contains(known).contains("7").contains("versions: 1");

    ValidationException image = refused(group(c, "i", r -> r.amiId("ami-0123456789abcdef0")));
    assertThat(image.getMessage())
        .contains("ami-0123456789abcdef0")
        .contains("ami-00000000000000000");
    assertThat(image.fieldList()).anySatisfy(f -> assertThat(f.name()).isEqualTo("amiId"));

    ValidationException type =
        refused(group(c, "x", r -> r.instanceConfigs(i -> i.instanceType("c99.huge"))));
    assertThat(type.getMessage()).contains("c99.huge").contains("c5.large").contains("t3.micro");
    assertThat(type.fieldList())
        .anySatisfy(f -> assertThat(f.name()).isEqualTo("instanceConfigs[0].instanceType"));

    assertThat(h.pcs.listComputeNodeGroups(r -> r.clusterIdentifier(c)).computeNodeGroups())
        .as("nothing was created")
        .isEmpty();
    assertThat(h.server.provider().describe(Map.of("aws:pcs:cluster-id", c))).isEmpty();
  }

  private ValidationException refused(CreateComputeNodeGroupRequest request) {
    List<ValidationException> caught = new ArrayList<>();
    assertThatThrownBy(() -> h.pcs.createComputeNodeGroup(request))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> caught.add((ValidationException) e));
    return caught.get(0);
  }

  /** A valid request (default template, c5.large, min 1 max 1) changed by {@code change}. */
  private static CreateComputeNodeGroupRequest group(
      String cluster, String name, Consumer<CreateComputeNodeGroupRequest.Builder> change) {
    CreateComputeNodeGroupRequest.Builder b =
        CreateComputeNodeGroupRequest.builder()
            .clusterIdentifier(cluster)
            .computeNodeGroupName(name)
            .subnetIds("subnet-0123456789abcdef0")
            .customLaunchTemplate(t -> t.id(SlurmHarness.TEMPLATE).version("1"))
            .iamInstanceProfileArn("arn:aws:iam::123456789012:instance-profile/AWSPCS-e2e")
            .scalingConfiguration(s -> s.minInstanceCount(1).maxInstanceCount(1))
            .instanceConfigs(i -> i.instanceType(SlurmHarness.INSTANCE_TYPE));
    change.accept(b);
    return b.build();
  }

  private ComputeNodeGroup get(String c, String g) {
    return h.pcs
        .getComputeNodeGroup(r -> r.clusterIdentifier(c).computeNodeGroupIdentifier(g))
        .computeNodeGroup();
  }
}
