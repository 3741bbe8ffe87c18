package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpcs.api.ServiceModel;

/**
 * For every operation, a command line as one would type it for {@code aws pcs} and the exact JSON
 * body it must send. The expected bodies were checked against the real AWS CLI with the same
 * arguments (see the golden README).
 */
class OperationBodiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ARN = "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc";
  private static final String PROFILE_ARN = "arn:aws:iam::123456789012:instance-profile/pcs";

  @TempDir Path home;
  private StubServer stub;

  @BeforeEach
  void start() {
    stub = StubServer.start();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  record Case(String operation, List<String> args, String body) {
    @Override
    public String toString() {
      return operation;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "CreateCluster",
            List.of(
                "create-cluster",
                "--cluster-name",
                "demo",
                "--scheduler",
                "type=SLURM,version=24.11",
                "--size",
                "SMALL",
                "--networking",
                "subnetIds=subnet-0123456789abcdef0,securityGroupIds=sg-0123456789abcdef0",
                "--slurm-configuration",
                "scaleDownIdleTimeInSeconds=60,slurmCustomSettings=[{parameterName=MinJobAge,parameterValue=30}]",
                "--tags",
                "env=dev,team=hpc",
                "--client-token",
                "token-0001"),
            """
            {"clusterName":"demo","scheduler":{"type":"SLURM","version":"24.11"},"size":"SMALL",
             "networking":{"subnetIds":["subnet-0123456789abcdef0"],"securityGroupIds":["sg-0123456789abcdef0"]},
             "slurmConfiguration":{"scaleDownIdleTimeInSeconds":60,
               "slurmCustomSettings":[{"parameterName":"MinJobAge","parameterValue":"30"}]},
             "clientToken":"token-0001","tags":{"env":"dev","team":"hpc"}}
            """),
        new Case(
            "GetCluster",
            List.of("get-cluster", "--cluster-identifier", "demo"),
            """
            {"clusterIdentifier":"demo"}
            """),
        new Case(
            "ListClusters",
            List.of("list-clusters", "--max-results", "5"),
            """
            {"maxResults":5}
            """),
        new Case(
            "UpdateCluster",
            List.of(
                "update-cluster",
                "--cluster-identifier",
                "demo",
                "--slurm-configuration",
                "scaleDownIdleTimeInSeconds=120,accounting={mode=STANDARD,defaultPurgeTimeInDays=-1},slurmRest={mode=NONE}",
                "--client-token",
                "token-0001"),
            """
            {"clusterIdentifier":"demo","clientToken":"token-0001",
             "slurmConfiguration":{"scaleDownIdleTimeInSeconds":120,
               "accounting":{"mode":"STANDARD","defaultPurgeTimeInDays":-1},"slurmRest":{"mode":"NONE"}}}
            """),
        new Case(
            "DeleteCluster",
            List.of(
                "delete-cluster", "--cluster-identifier", "demo", "--client-token", "token-0001"),
            """
            {"clusterIdentifier":"demo","clientToken":"token-0001"}
            """),
        new Case(
            "CreateComputeNodeGroup",
            List.of(
                "create-compute-node-group",
                "--cluster-identifier",
                "demo",
                "--compute-node-group-name",
                "compute",
                "--ami-id",
                "ami-0123abcd",
                "--subnet-ids",
                "subnet-a",
                "subnet-b",
                "--purchase-option",
                "SPOT",
                "--custom-launch-template",
                "id=lt-0123,version=1",
                "--iam-instance-profile-arn",
                PROFILE_ARN,
                "--scaling-configuration",
                "minInstanceCount=0,maxInstanceCount=4",
                "--instance-configs",
                "instanceType=t3.medium",
                "instanceType=c5.large",
                "--spot-options",
                "allocationStrategy=capacity-optimized",
                "--slurm-configuration",
                "slurmCustomSettings=[{parameterName=Weight,parameterValue=10}]",
                "--client-token",
                "token-0001",
                "--tags",
                "env=dev"),
            """
            {"clusterIdentifier":"demo","computeNodeGroupName":"compute","amiId":"ami-0123abcd",
             "subnetIds":["subnet-a","subnet-b"],"purchaseOption":"SPOT",
             "customLaunchTemplate":{"id":"lt-0123","version":"1"},
             "iamInstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/pcs",
             "scalingConfiguration":{"minInstanceCount":0,"maxInstanceCount":4},
             "instanceConfigs":[{"instanceType":"t3.medium"},{"instanceType":"c5.large"}],
             "spotOptions":{"allocationStrategy":"capacity-optimized"},
             "slurmConfiguration":{"slurmCustomSettings":[{"parameterName":"Weight","parameterValue":"10"}]},
             "clientToken":"token-0001","tags":{"env":"dev"}}
            """),
        new Case(
            "GetComputeNodeGroup",
            List.of(
                "get-compute-node-group",
                "--cluster-identifier",
                "demo",
                "--compute-node-group-identifier",
                "compute"),
            """
            {"clusterIdentifier":"demo","computeNodeGroupIdentifier":"compute"}
            """),
        new Case(
            "ListComputeNodeGroups",
            List.of("list-compute-node-groups", "--cluster-identifier", "demo"),
            """
            {"clusterIdentifier":"demo"}
            """),
        new Case(
            "UpdateComputeNodeGroup",
            List.of(
                "update-compute-node-group",
                "--cluster-identifier",
                "demo",
                "--compute-node-group-identifier",
                "compute",
                "--ami-id",
                "ami-1",
                "--subnet-ids",
                "subnet-c",
                "--custom-launch-template",
                "{\"id\":\"lt-9\",\"version\":\"2\"}",
                "--purchase-option",
                "ONDEMAND",
                "--spot-options",
                "allocationStrategy=lowest-price",
                "--scaling-configuration",
                "minInstanceCount=1,maxInstanceCount=8",
                "--iam-instance-profile-arn",
                PROFILE_ARN,
                "--slurm-configuration",
                "slurmCustomSettings=[]",
                "--client-token",
                "token-0001"),
            """
            {"clusterIdentifier":"demo","computeNodeGroupIdentifier":"compute","amiId":"ami-1",
             "subnetIds":["subnet-c"],"customLaunchTemplate":{"id":"lt-9","version":"2"},
             "purchaseOption":"ONDEMAND","spotOptions":{"allocationStrategy":"lowest-price"},
             "scalingConfiguration":{"minInstanceCount":1,"maxInstanceCount":8},
             "iamInstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/pcs",
             "slurmConfiguration":{"slurmCustomSettings":[]},"clientToken":"token-0001"}
            """),
        new Case(
            "DeleteComputeNodeGroup",
            List.of(
                "delete-compute-node-group",
                "--cluster-identifier",
                "demo",
                "--compute-node-group-identifier",
                "compute",
                "--client-token",
                "token-0001"),
            """
            {"clusterIdentifier":"demo","computeNodeGroupIdentifier":"compute","clientToken":"token-0001"}
            """),
        new Case(
            "CreateQueue",
            List.of(
                "create-queue",
                "--cluster-identifier",
                "demo",
                "--queue-name",
                "queue1",
                "--compute-node-group-configurations",
                "computeNodeGroupId=pcs_abc",
                "computeNodeGroupId=pcs_def",
                "--slurm-configuration",
                "slurmCustomSettings=[{parameterName=MaxNodes,parameterValue=4}]",
                "--client-token",
                "token-0001",
                "--tags",
                "team=hpc"),
            """
            {"clusterIdentifier":"demo","queueName":"queue1",
             "computeNodeGroupConfigurations":[{"computeNodeGroupId":"pcs_abc"},{"computeNodeGroupId":"pcs_def"}],
             "slurmConfiguration":{"slurmCustomSettings":[{"parameterName":"MaxNodes","parameterValue":"4"}]},
             "clientToken":"token-0001","tags":{"team":"hpc"}}
            """),
        new Case(
            "GetQueue",
            List.of("get-queue", "--cluster-identifier", "demo", "--queue-identifier", "queue1"),
            """
            {"clusterIdentifier":"demo","queueIdentifier":"queue1"}
            """),
        new Case(
            "ListQueues",
            List.of("list-queues", "--cluster-identifier", "demo", "--page-size", "2"),
            """
            {"clusterIdentifier":"demo","maxResults":2}
            """),
        new Case(
            "UpdateQueue",
            List.of(
                "update-queue",
                "--cluster-identifier",
                "demo",
                "--queue-identifier",
                "queue1",
                "--compute-node-group-configurations",
                "[{\"computeNodeGroupId\":\"pcs_abc\"}]",
                "--client-token",
                "token-0001"),
            """
            {"clusterIdentifier":"demo","queueIdentifier":"queue1",
             "computeNodeGroupConfigurations":[{"computeNodeGroupId":"pcs_abc"}],"clientToken":"token-0001"}
            """),
        new Case(
            "DeleteQueue",
            List.of(
                "delete-queue",
                "--cluster-identifier",
                "demo",
                "--queue-identifier",
                "queue1",
                "--client-token",
                "token-0001"),
            """
            {"clusterIdentifier":"demo","queueIdentifier":"queue1","clientToken":"token-0001"}
            """),
        new Case(
            "RegisterComputeNodeGroupInstance",
            List.of(
                "register-compute-node-group-instance",
                "--cluster-identifier",
                "demo",
                "--bootstrap-id",
                "i-0abc"),
            """
            {"clusterIdentifier":"demo","bootstrapId":"i-0abc"}
            """),
        new Case(
            "TagResource",
            List.of("tag-resource", "--resource-arn", ARN, "--tags", "env=prod,owner=\"a,b\""),
            """
            {"resourceArn":"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc",
             "tags":{"env":"prod","owner":"a,b"}}
            """),
        new Case(
            "UntagResource",
            List.of("untag-resource", "--resource-arn", ARN, "--tag-keys", "env", "owner"),
            """
            {"resourceArn":"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc","tagKeys":["env","owner"]}
            """),
        new Case(
            "ListTagsForResource",
            List.of("list-tags-for-resource", "--resource-arn", ARN),
            """
            {"resourceArn":"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc"}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sendsExactlyTheExpectedBody(Case c) throws Exception {
    CliRunner.Result r =
        CliRunner.run(CliRunner.env(home, stub.url()), c.args().toArray(String[]::new));

    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    StubServer.Recorded req = stub.only();
    assertThat(req.target()).isEqualTo("AWSParallelComputingService." + c.operation());
    assertThat(req.json()).isEqualTo(MAPPER.readTree(c.body()));
  }

  @Test
  void everyOperationOfTheModelHasACaseAndACommand() {
    ServiceModel model = ServiceModel.load();
    Set<String> covered = cases().map(Case::operation).collect(Collectors.toSet());
    assertThat(covered).containsExactlyInAnyOrderElementsOf(model.operationNames());
    assertThat(model.operationNames()).hasSize(19);
    // Besides one command per operation, only OpenPCS's own reading commands.
    assertThat(Cli.root(CliRunner.env(home, null)).getSubcommands().keySet())
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(
                    model.operationNames().stream().map(Names::kebab),
                    java.util.stream.Stream.of("events"))
                .toList());
  }

  @Test
  void fillsInAnIdempotencyTokenWhenNoneIsGivenAsTheAwsCliDoes() {
    CliRunner.Result r =
        CliRunner.run(
            CliRunner.env(home, stub.url()), "delete-cluster", "--cluster-identifier", "demo");

    assertThat(r.exitCode()).isZero();
    assertThat(stub.only().json().path("clientToken").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void signsRequestsWithSigV4ForPcsInTheResolvedRegion() {
    CliRunner.run(CliRunner.env(home, stub.url()), "list-clusters");

    assertThat(stub.only().headers().getFirst("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
        .contains("/us-east-1/pcs/aws4_request");
    assertThat(stub.only().headers().getFirst("Content-Type"))
        .isEqualTo("application/x-amz-json-1.0");
  }

  @Test
  void commandNamesAreTheAwsCliNames() {
    assertThat(Names.kebab("RegisterComputeNodeGroupInstance"))
        .isEqualTo("register-compute-node-group-instance");
    assertThat(Names.kebab("ListTagsForResource")).isEqualTo("list-tags-for-resource");
    assertThat(Names.option("iamInstanceProfileArn")).isEqualTo("--iam-instance-profile-arn");
    assertThat(Names.option("amiId")).isEqualTo("--ami-id");
  }
}
