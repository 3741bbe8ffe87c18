package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures print as the AWS CLI prints them, on stderr, with its exit codes: 252 for a command line
 * that cannot be used, 254 for an error from the service, 255 when the service cannot be reached.
 */
class ErrorOutputTest {
  private static final String VALIDATION =
      """
      {"__type":"ValidationException","message":"bad","reason":"fieldValidationFailed",
       "fieldList":[{"name":"clusterName","message":"too short"}]}""";

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

  private CliRunner.Result run(String... args) {
    return CliRunner.run(CliRunner.env(home, stub.url()), args);
  }

  private static String[] createCluster(String name) {
    return new String[] {
      "create-cluster",
      "--cluster-name",
      name,
      "--scheduler",
      "type=SLURM,version=24.11",
      "--size",
      "SMALL",
      "--networking",
      "subnetIds=subnet-a"
    };
  }

  @Test
  void aServiceErrorPrintsTheAwsCliLineAndEveryFieldProblem() {
    stub.reply(400, VALIDATION);

    CliRunner.Result r = run(createCluster("abc"));

    assertThat(r.exitCode()).isEqualTo(254);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "\nAn error occurred (ValidationException) when calling the CreateCluster operation:"
                + " bad\n"
                + "  clusterName: too short\n");
  }

  @Test
  void otherServiceErrorsUseTheirOwnTypeAndMessage() {
    stub.reply(
        404,
        "{\"__type\":\"com.amazonaws.pcs#ResourceNotFoundException\",\"message\":\"no cluster x\","
            + "\"resourceId\":\"x\",\"resourceType\":\"cluster\"}");

    CliRunner.Result r = run("get-cluster", "--cluster-identifier", "x");

    assertThat(r.exitCode()).isEqualTo(254);
    assertThat(r.err())
        .isEqualTo(
            "\nAn error occurred (ResourceNotFoundException) when calling the GetCluster"
                + " operation: no cluster x\n");
  }

  @Test
  void aServerErrorIsAServiceErrorToo() {
    stub.reply(500, "{\"__type\":\"InternalServerException\",\"message\":\"boom\"}");

    CliRunner.Result r = run("list-clusters");

    assertThat(r.exitCode()).isEqualTo(254);
    assertThat(r.err()).contains("(InternalServerException) when calling the ListClusters");
  }

  @Test
  void missingRequiredOptionsAreAUsageErrorAndNothingIsSent() {
    CliRunner.Result r = run("create-cluster", "--size", "SMALL");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .startsWith("\nusage: openpcs [options] <command> [parameters]\n")
        .endsWith(
            "openpcs: error: the following arguments are required: --cluster-name, --scheduler,"
                + " --networking\n");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void unknownOptionsAndMissingValuesAreUsageErrors() {
    CliRunner.Result unknown = run("get-cluster", "--cluster-identifier", "x", "--bogus", "1");
    CliRunner.Result noValue = run("get-cluster", "--cluster-identifier");
    CliRunner.Result noCommand = run();
    CliRunner.Result badOutput = run("list-clusters", "--output", "yaml");

    assertThat(unknown.exitCode()).isEqualTo(252);
    assertThat(unknown.err()).contains("openpcs: error: Unknown options: --bogus, 1");
    assertThat(noValue.exitCode()).isEqualTo(252);
    assertThat(noValue.err()).contains("argument --cluster-identifier: expected one argument");
    assertThat(noCommand.exitCode()).isEqualTo(252);
    assertThat(noCommand.err()).contains("the following arguments are required: command");
    assertThat(badOutput.exitCode()).isEqualTo(252);
    assertThat(badOutput.err()).contains("Invalid choice, valid choices are: json | table | text");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void shorthandSyntaxErrorsPointAtTheProblem() {
    CliRunner.Result r =
        run(
            "create-cluster",
            "--cluster-name",
            "abc",
            "--scheduler",
            "type",
            "--size",
            "SMALL",
            "--networking",
            "subnetIds=a");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .isEqualTo(
            "\nError parsing parameter '--scheduler': Expected: '=', received: 'EOF' for input:\n"
                + "type\n"
                + "    ^\n");
  }

  @Test
  void invalidJsonValuesAreParameterErrors() {
    CliRunner.Result r = run("tag-resource", "--resource-arn", "arn:x", "--tags", "{\"a\":");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err()).startsWith("\nError parsing parameter '--tags': Invalid JSON: ");
    assertThat(r.err()).endsWith("JSON received: {\"a\":\n");
  }

  @Test
  void nestedRequiredMembersTypesAndMinimumsAreCheckedAsBotocoreDoes() {
    CliRunner.Result r =
        run(
            "create-compute-node-group",
            "--cluster-identifier",
            "demo",
            "--compute-node-group-name",
            "c1",
            "--subnet-ids",
            "subnet-a",
            "--custom-launch-template",
            "id=lt-1",
            "--iam-instance-profile-arn",
            "arn:aws:iam::123456789012:instance-profile/p",
            "--scaling-configuration",
            "minInstanceCount=0,maxInstanceCount=lots",
            "--instance-configs",
            "instanceType=t3.medium,cpu=4");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .isEqualTo(
            "\nParameter validation failed:\n"
                + "Invalid length for parameter computeNodeGroupName, value: 2, valid min length:"
                + " 3\n"
                + "Missing required parameter in customLaunchTemplate: \"version\"\n"
                + "Invalid type for parameter scalingConfiguration.maxInstanceCount, value: lots,"
                + " type: string, valid types: integer\n"
                + "Unknown parameter in instanceConfigs[0]: \"cpu\", must be one of:"
                + " instanceType\n");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void minimumValuesAreCheckedOnTopLevelOptionsToo() {
    CliRunner.Result r = run("list-clusters", "--max-results", "0");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .isEqualTo(
            "\nParameter validation failed:\n"
                + "Invalid value for parameter maxResults, value: 0, valid min value: 1\n");
  }

  @Test
  void aNonNumberForAnIntegerOptionIsAParameterError() {
    CliRunner.Result r = run("list-clusters", "--max-results", "five");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .contains("Error parsing parameter '--max-results': invalid integer value: 'five'");
  }

  @Test
  void aBadEndpointUrlIsAParameterError() {
    CliRunner.Result r = run("list-clusters", "--endpoint-url", "localhost:8080");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err()).contains("Bad value for --endpoint-url \"localhost:8080\"");
  }

  @Test
  void connectionRefusedNamesTheEndpointAndExits255() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }

    CliRunner.Result r = run("list-clusters", "--endpoint-url", "http://127.0.0.1:" + port);

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.err())
        .isEqualTo("\nCould not connect to the endpoint URL: \"http://127.0.0.1:" + port + "/\"\n");
  }

  @Test
  void debugLogsTheRequestAndResponseToStderr() {
    stub.reply(200, "{\"clusters\":[]}");

    CliRunner.Result r = run("list-clusters", "--debug");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err())
        .contains("DEBUG - endpoint " + stub.url())
        .contains("credentials from environment variables (access key AKIDTEST)")
        .contains("AWSParallelComputingService.ListClusters request: {}")
        .contains("ListClusters response: {\"clusters\":[]}")
        .doesNotContain("test-secret");
    assertThat(r.out()).isEqualTo("{\n    \"clusters\": []\n}\n");
  }
}
