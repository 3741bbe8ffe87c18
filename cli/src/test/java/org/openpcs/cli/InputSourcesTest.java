package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cli-input-json}, {@code file://}, {@code --generate-cli-skeleton} and help. */
class InputSourcesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path home;
  @TempDir Path dir;
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

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  @Test
  void cliInputJsonSuppliesRequiredMembersAndExplicitOptionsWin() throws Exception {
    CliRunner.Result r =
        run(
            "create-cluster",
            "--cli-input-json",
            """
            {"clusterName":"fromjson","size":"LARGE","scheduler":{"type":"SLURM","version":"25.05"},
             "networking":{"subnetIds":["subnet-1"]},"tags":{"a":"b"}}
            """,
            "--size",
            "SMALL",
            "--scheduler",
            "type=SLURM,version=24.11",
            "--client-token",
            "token-0001");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(stub.only().json())
        .isEqualTo(
            json(
                """
                {"clusterName":"fromjson","scheduler":{"type":"SLURM","version":"24.11"},"size":"SMALL",
                 "networking":{"subnetIds":["subnet-1"]},"clientToken":"token-0001","tags":{"a":"b"}}
                """));
  }

  @Test
  void cliInputJsonReadsFilesAndItsGapsAreReportedByTheValidator() throws Exception {
    Path input = Files.writeString(dir.resolve("in.json"), "{\"clusterName\":\"fromfile\"}");

    CliRunner.Result r = run("create-cluster", "--cli-input-json", "file://" + input);

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .isEqualTo(
            "\nParameter validation failed:\n"
                + "Missing required parameter in input: \"scheduler\"\n"
                + "Missing required parameter in input: \"size\"\n"
                + "Missing required parameter in input: \"networking\"\n");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void unknownMembersInCliInputJsonAreRejectedBeforeSending() {
    CliRunner.Result r =
        run("get-cluster", "--cli-input-json", "{\"clusterIdentifier\":\"demo\",\"bogus\":1}");

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .contains("Unknown parameter in input: \"bogus\", must be one of: clusterIdentifier");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void fileUrlsWorkForAnyValue() throws Exception {
    Path scheduler = Files.writeString(dir.resolve("scheduler.txt"), "type=SLURM,version=24.11\n");
    Path networking =
        Files.writeString(dir.resolve("net.json"), "{\"subnetIds\": [\"subnet-a\", \"subnet-b\"]}");
    Path name = Files.writeString(dir.resolve("name.txt"), "from-file");

    CliRunner.Result r =
        run(
            "create-cluster",
            "--cluster-name",
            "file://" + name,
            "--scheduler",
            "file://" + scheduler,
            "--size",
            "SMALL",
            "--networking",
            "file://" + networking,
            "--client-token",
            "token-0001");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(stub.only().json())
        .isEqualTo(
            json(
                """
                {"clusterName":"from-file","scheduler":{"type":"SLURM","version":"24.11"},
                 "size":"SMALL","networking":{"subnetIds":["subnet-a","subnet-b"]},
                 "clientToken":"token-0001"}
                """));
  }

  @Test
  void aMissingFileIsAParameterError() {
    CliRunner.Result r =
        run("get-cluster", "--cluster-identifier", "file://" + dir.resolve("nope"));

    assertThat(r.exitCode()).isEqualTo(252);
    assertThat(r.err())
        .isEqualTo(
            "\nError parsing parameter '--cluster-identifier': Unable to load paramfile file://"
                + dir.resolve("nope")
                + ": [Errno 2] No such file or directory: '"
                + dir.resolve("nope")
                + "'\n");
  }

  @Test
  void generatesAnInputSkeletonWithoutSendingAnything() throws Exception {
    CliRunner.Result r = run("create-queue", "--generate-cli-skeleton");

    assertThat(r.exitCode()).isZero();
    assertThat(stub.requests()).isEmpty();
    assertThat(r.out())
        .isEqualTo(
            """
            {
                "clusterIdentifier": "",
                "queueName": "",
                "computeNodeGroupConfigurations": [
                    {
                        "computeNodeGroupId": ""
                    }
                ],
                "slurmConfiguration": {
                    "slurmCustomSettings": [
                        {
                            "parameterName": "",
                            "parameterValue": ""
                        }
                    ]
                },
                "clientToken": "",
                "tags": {
                    "KeyName": ""
                }
            }
            """);
  }

  @Test
  void anInputSkeletonFeedsBackIntoCliInputJson() throws Exception {
    Path skeleton = dir.resolve("skeleton.json");
    Files.writeString(skeleton, run("get-queue", "--generate-cli-skeleton").out());

    CliRunner.Result r =
        run(
            "get-queue",
            "--cli-input-json",
            "file://" + skeleton,
            "--cluster-identifier",
            "demo",
            "--queue-identifier",
            "queue1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(stub.only().json())
        .isEqualTo(json("{\"clusterIdentifier\":\"demo\",\"queueIdentifier\":\"queue1\"}"));
  }

  @Test
  void anOutputSkeletonNamesTheResponseMembers() throws Exception {
    CliRunner.Result r = run("list-tags-for-resource", "--generate-cli-skeleton", "output");

    assertThat(r.exitCode()).isZero();
    assertThat(json(r.out())).isEqualTo(json("{\"tags\":{\"KeyName\":\"\"}}"));
  }

  @Test
  void aLaterOptionReplacesAnEarlierOne() throws Exception {
    CliRunner.Result r =
        run("get-cluster", "--cluster-identifier", "first", "--cluster-identifier", "second");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(stub.only().json()).isEqualTo(json("{\"clusterIdentifier\":\"second\"}"));
  }

  @Test
  void helpComesFromTheModelWithoutHtml() {
    CliRunner.Result r = run("create-cluster", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("openpcs create-cluster")
        .contains("Creates a cluster in your account.")
        .contains("--cluster-name")
        .contains("(required)")
        .contains("Possible values: SMALL, MEDIUM, LARGE.")
        .contains("Shorthand: type=SLURM,version=string")
        .contains("--endpoint-url")
        .doesNotContain("<p>")
        .doesNotContain("<code>");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void theRootHelpListsEveryOperationWithItsFirstSentence() {
    CliRunner.Result r = run("--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("create-compute-node-group")
        .contains("register-compute-node-group-instance")
        .contains("list-tags-for-resource")
        .contains("Returns a list of all tags on an PCS");
  }
}
