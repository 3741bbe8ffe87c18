package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shorthand grammar on its own (untyped), then through commands, where the target shape gives
 * the values their types. Expected results match what awscli 1.45 sends for the same input.
 */
class ShorthandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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

  private static JsonNode parse(String s) {
    return ShorthandParser.parse(s);
  }

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  @Test
  void parsesPairsNestedHashesAndExplicitLists() throws Exception {
    assertThat(parse("type=SLURM,version=24.11"))
        .isEqualTo(json("{\"type\":\"SLURM\",\"version\":\"24.11\"}"));
    assertThat(parse("a={b=1,c={d=x}},e=[1,2],f=[]"))
        .isEqualTo(json("{\"a\":{\"b\":\"1\",\"c\":{\"d\":\"x\"}},\"e\":[\"1\",\"2\"],\"f\":[]}"));
    assertThat(
            parse(
                "s=[{parameterName=MinJobAge,parameterValue=30},{parameterName=B,parameterValue=2}]"))
        .isEqualTo(
            json(
                "{\"s\":[{\"parameterName\":\"MinJobAge\",\"parameterValue\":\"30\"},"
                    + "{\"parameterName\":\"B\",\"parameterValue\":\"2\"}]}"));
  }

  @Test
  void aValueRunsOnAsAnImplicitListUntilTheNextKey() throws Exception {
    assertThat(parse("ids=a,b,c,name=x"))
        .isEqualTo(json("{\"ids\":[\"a\",\"b\",\"c\"],\"name\":\"x\"}"));
  }

  @Test
  void quotesAndEscapesKeepCommasAndBracketsLiteral() throws Exception {
    assertThat(parse("owner=\"a,b\",team='x,y]'"))
        .isEqualTo(json("{\"owner\":\"a,b\",\"team\":\"x,y]\"}"));
    assertThat(parse("v=\"say \\\"hi\\\"\"")).isEqualTo(json("{\"v\":\"say \\\"hi\\\"\"}"));
    assertThat(parse("v=a\\,b")).isEqualTo(json("{\"v\":\"a,b\"}"));
    assertThat(parse("list=[\"a,b\",c]")).isEqualTo(json("{\"list\":[\"a,b\",\"c\"]}"));
  }

  @Test
  void valuesMayHoldEqualsSignsSpacesAndBeEmpty() throws Exception {
    assertThat(parse("k = a=b , e=")).isEqualTo(json("{\"k\":\"a=b\",\"e\":\"\"}"));
    assertThat(parse("cmd=echo hello world")).isEqualTo(json("{\"cmd\":\"echo hello world\"}"));
  }

  @Test
  void reportsWhereParsingStoppedAsAwscliDoes() {
    assertThatThrownBy(() -> parse("type"))
        .hasMessage("Expected: '=', received: 'EOF' for input:\ntype\n    ^");
    assertThatThrownBy(() -> parse("a=\"open"))
        .hasMessage("Expected: '\"', received: 'EOF' for input:\na=\"open\n       ^");
    assertThatThrownBy(() -> parse("a=[1,2")).hasMessageStartingWith("Expected: ']'");
    assertThatThrownBy(() -> parse("a={b=1")).hasMessageStartingWith("Expected: '}'");
  }

  @Test
  void theTargetShapeTurnsIntegersIntoNumbersAndLeavesStringsAlone() throws Exception {
    run(
        "create-compute-node-group",
        "--cluster-identifier",
        "demo",
        "--compute-node-group-name",
        "compute",
        "--subnet-ids",
        "subnet-a",
        "--custom-launch-template",
        "id=lt-1,version=1",
        "--iam-instance-profile-arn",
        "arn:aws:iam::123456789012:instance-profile/p",
        "--scaling-configuration",
        "minInstanceCount=0,maxInstanceCount=4",
        "--instance-configs",
        "instanceType=t3.medium");

    JsonNode body = stub.only().json();
    assertThat(body.get("scalingConfiguration"))
        .isEqualTo(json("{\"minInstanceCount\":0,\"maxInstanceCount\":4}"));
    assertThat(body.get("scalingConfiguration").get("maxInstanceCount").isInt()).isTrue();
    // version is a string member: "1" must stay a string even though it looks like a number
    assertThat(body.get("customLaunchTemplate"))
        .isEqualTo(json("{\"id\":\"lt-1\",\"version\":\"1\"}"));
  }

  @Test
  void nestedStructuresListsOfStructuresAndNegativeNumbers() throws Exception {
    run(
        "update-cluster",
        "--cluster-identifier",
        "demo",
        "--slurm-configuration",
        "scaleDownIdleTimeInSeconds=60,"
            + "slurmCustomSettings=[{parameterName=MinJobAge,parameterValue=30},"
            + "{parameterName=SchedulerParameters,parameterValue=\"bf_max_job_test=100,defer\"}],"
            + "accounting={defaultPurgeTimeInDays=-1}",
        "--client-token",
        "token-0001");

    assertThat(stub.only().json().get("slurmConfiguration"))
        .isEqualTo(
            json(
                """
                {"scaleDownIdleTimeInSeconds":60,
                 "slurmCustomSettings":[{"parameterName":"MinJobAge","parameterValue":"30"},
                   {"parameterName":"SchedulerParameters","parameterValue":"bf_max_job_test=100,defer"}],
                 "accounting":{"defaultPurgeTimeInDays":-1}}
                """));
  }

  @Test
  void aSingleValueForAListMemberBecomesAOneElementList() throws Exception {
    run(
        "create-cluster",
        "--cluster-name",
        "demo",
        "--scheduler",
        "type=SLURM,version=24.11",
        "--size",
        "SMALL",
        "--networking",
        "subnetIds=subnet-a,securityGroupIds=sg-1,sg-2");

    assertThat(stub.only().json().get("networking"))
        .isEqualTo(json("{\"subnetIds\":[\"subnet-a\"],\"securityGroupIds\":[\"sg-1\",\"sg-2\"]}"));
  }

  @Test
  void mapsTakeShorthandWithQuotedCommasOrJson() throws Exception {
    run(
        "tag-resource",
        "--resource-arn",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_a",
        "--tags",
        "env=dev,team=hpc,note=\"a,b\",empty=");
    run(
        "tag-resource",
        "--resource-arn",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_a",
        "--tags",
        "{\"cost-center\": \"42\"}");

    assertThat(stub.requests().get(0).json().get("tags"))
        .isEqualTo(json("{\"env\":\"dev\",\"team\":\"hpc\",\"note\":\"a,b\",\"empty\":\"\"}"));
    assertThat(stub.requests().get(1).json().get("tags"))
        .isEqualTo(json("{\"cost-center\":\"42\"}"));
  }

  @Test
  void listsOfStructuresTakeSeveralShorthandValuesOrOneJsonArray() throws Exception {
    run(
        "create-queue",
        "--cluster-identifier",
        "demo",
        "--queue-name",
        "queue1",
        "--compute-node-group-configurations",
        "computeNodeGroupId=pcs_a",
        "{\"computeNodeGroupId\":\"pcs_b\"}");
    run(
        "create-queue",
        "--cluster-identifier",
        "demo",
        "--queue-name",
        "queue1",
        "--compute-node-group-configurations",
        "[{\"computeNodeGroupId\":\"pcs_c\"}]");

    assertThat(stub.requests().get(0).json().get("computeNodeGroupConfigurations"))
        .isEqualTo(json("[{\"computeNodeGroupId\":\"pcs_a\"},{\"computeNodeGroupId\":\"pcs_b\"}]"));
    assertThat(stub.requests().get(1).json().get("computeNodeGroupConfigurations"))
        .isEqualTo(json("[{\"computeNodeGroupId\":\"pcs_c\"}]"));
  }

  @Test
  void listsOfScalarsTakeSeveralValuesOrOneJsonArray() throws Exception {
    run(
        "untag-resource",
        "--resource-arn",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_a",
        "--tag-keys",
        "[\"a\",\"b\"]");

    assertThat(stub.only().json().get("tagKeys")).isEqualTo(json("[\"a\",\"b\"]"));
  }

  @Test
  void integerOptionsBecomeNumbers() throws Exception {
    run("list-queues", "--cluster-identifier", "demo", "--max-results", "7");

    assertThat(stub.only().json())
        .isEqualTo(json("{\"clusterIdentifier\":\"demo\",\"maxResults\":7}"));
  }

  private void run(String... args) {
    CliRunner.Result r = CliRunner.run(CliRunner.env(home, stub.url()), args);
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }
}
