package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.cli.Cli;
import org.openpcs.cli.CliEnvironment;

/**
 * The {@code openpcs} CLI, run in-process, against a real server with real Slurm daemons. Its only
 * configuration is {@code OPENPCS_HOME} = the server's data dir: endpoint, region and credentials
 * all come from the {@code openpcs} profile the server wrote there at first start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private SlurmHarness h;
  private Path home;

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  @BeforeAll
  void start() throws IOException {
    h = new SlurmHarness();
    // An empty home: nothing from the developer's ~/.aws can be picked up.
    home = Files.createTempDirectory("openpcs-cli-home");
  }

  @AfterAll
  void stop() throws IOException {
    h.close();
    Files.deleteIfExists(home);
    assertThat(ProcessScan.describe(h.processesUsingDataDir())).isEmpty();
  }

  private Run cli(String... args) {
    return cli(h.dataDir, args);
  }

  private Run cli(Path openpcsHome, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new CliEnvironment(Map.of("OPENPCS_HOME", openpcsHome.toString()), home),
            new PrintWriter(out),
            new PrintWriter(err),
            args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void createListGetAndDeleteAClusterWithTheServersProfile() {
    Run created =
        cli(
            "create-cluster",
            "--cluster-name",
            "cli-demo",
            "--scheduler",
            "type=SLURM,version=" + h.slurmVersion(),
            "--size",
            "SMALL",
            "--networking",
            "subnetIds=subnet-0123456789abcdef0",
            "--slurm-configuration",
            "scaleDownIdleTimeInSeconds=300,slurmCustomSettings=[{parameterName=MinJobAge,parameterValue=120}]",
            "--tags",
            "project=cli,owner=e2e");
    assertThat(created.exit()).as("create-cluster: %s", created.err()).isZero();
    JsonNode cluster = created.json().get("cluster");
    String id = cluster.get("id").asText();
    assertThat(id).matches("pcs_[a-z0-9]{10}");
    assertThat(cluster.get("name").asText()).isEqualTo("cli-demo");
    assertThat(cluster.get("status").asText()).isEqualTo("CREATING");
    assertThat(cluster.at("/scheduler/version").asText()).isEqualTo(h.slurmVersion());
    assertThat(cluster.at("/networking/subnetIds/0").asText())
        .isEqualTo("subnet-0123456789abcdef0");
    assertThat(cluster.at("/slurmConfiguration/slurmCustomSettings/0/parameterName").asText())
        .isEqualTo("MinJobAge");

    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> status(cli("get-cluster", "--cluster-identifier", "cli-demo")).equals("ACTIVE"),
        () -> "cli-demo ACTIVE: " + cli("get-cluster", "--cluster-identifier", "cli-demo"));

    // The server really made a controller with that setting, reachable at the listed endpoint.
    assertThat(h.slurm(id, "scontrol", "show", "config")).containsPattern("MinJobAge\\s*=\\s*120");

    Run got = cli("get-cluster", "--cluster-identifier", id, "--output", "json");
    assertThat(got.exit()).as(got.err()).isZero();
    JsonNode active = got.json().get("cluster");
    assertThat(active.get("id").asText()).isEqualTo(id);
    assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(active.get("size").asText()).isEqualTo("SMALL");
    assertThat(active.at("/endpoints/0/type").asText()).isEqualTo("SLURMCTLD");
    assertThat(active.at("/endpoints/0/port").asText()).matches("\\d+");
    assertThat(active.get("createdAt").isNumber() || active.get("createdAt").isTextual()).isTrue();

    Run tags = cli("list-tags-for-resource", "--resource-arn", active.get("arn").asText());
    assertThat(tags.exit()).as(tags.err()).isZero();
    assertThat(tags.json().get("tags").get("project").asText()).isEqualTo("cli");
    assertThat(tags.json().get("tags").get("owner").asText()).isEqualTo("e2e");

    Run table = cli("list-clusters", "--output", "table");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out()).contains("ListClusters", "cli-demo", id, "ACTIVE");
    assertThat(table.out().lines().filter(l -> !l.isBlank()))
        .as("every line is part of the table:%n%s", table.out())
        .allMatch(l -> l.startsWith("-") || l.startsWith("|") || l.startsWith("+"));
    assertThat(table.out().lines().filter(l -> !l.isBlank()).map(String::length).distinct())
        .as("a rectangular table:%n%s", table.out())
        .hasSize(1);

    Run text = cli("list-clusters", "--output", "text");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains(id).contains("cli-demo").contains("\t");

    Run deleted = cli("delete-cluster", "--cluster-identifier", "cli-demo");
    assertThat(deleted.exit()).as("delete-cluster: %s", deleted.err()).isZero();
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> cli("get-cluster", "--cluster-identifier", id).exit() == 254,
        () -> "cli-demo gone: " + cli("get-cluster", "--cluster-identifier", id));
    Run gone = cli("get-cluster", "--cluster-identifier", id);
    assertThat(gone.err())
        .contains("An error occurred (ResourceNotFoundException) when calling the GetCluster");
    assertThat(cli("list-clusters").json().get("clusters")).isEmpty();
    assertThat(h.dataDir.resolve("clusters").resolve(id))
        .as("DeleteCluster removes the cluster's files")
        .doesNotExist();
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> h.processesUsingDataDir().isEmpty(),
        () -> "the cluster's daemons stopped: " + ProcessScan.describe(h.processesUsingDataDir()));
  }

  @Test
  void aBadRequestExits254WithTheServersFieldList() {
    Run bad =
        cli(
            "create-cluster",
            "--cluster-name",
            "bad name!",
            "--scheduler",
            "type=SLURM,version=" + h.slurmVersion(),
            "--size",
            "HUGE",
            "--networking",
            "subnetIds=subnet-0123456789abcdef0");
    assertThat(bad.exit()).as("stdout %s stderr %s", bad.out(), bad.err()).isEqualTo(254);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err())
        .contains(
            "An error occurred (ValidationException) when calling the CreateCluster operation:")
        .contains("2 validation errors detected")
        .containsPattern("(?m)^  clusterName: Value 'bad name!' .+")
        .containsPattern("(?m)^  size: Value 'HUGE' .+SMALL, MEDIUM, LARGE.*$");
    assertThat(cli("list-clusters").json().get("clusters"))
        .as("nothing was created")
        .noneMatch(c -> c.get("name").asText().equals("bad name!"));

    Run unknownVersion =
        cli(
            "create-cluster",
            "--cluster-name",
            "old-slurm",
            "--scheduler",
            "type=SLURM,version=19.05",
            "--size",
            "SMALL",
            "--networking",
            "subnetIds=subnet-0123456789abcdef0");
    assertThat(unknownVersion.exit()).isEqualTo(254);
    assertThat(unknownVersion.err())
        .contains("(ValidationException) when calling the CreateCluster operation:")
        .containsPattern("(?m)^  scheduler\\.version: .*19\\.05.*" + h.slurmVersion());
  }

  @Test
  void withoutTheServersProfileThereAreNoCredentials() throws IOException {
    Path elsewhere = Files.createTempDirectory("openpcs-cli-empty");
    try {
      Run r = cli(elsewhere, "list-clusters");
      assertThat(r.exit()).as(r.err()).isEqualTo(253);
      assertThat(r.err()).contains("Unable to locate credentials");
      Run debug = cli("list-clusters", "--debug");
      assertThat(debug.exit()).as(debug.err()).isZero();
      assertThat(debug.err())
          .contains("credentials from profile openpcs in " + h.dataDir.resolve("aws/credentials"))
          .contains("endpoint " + h.server.endpoint());
    } finally {
      Files.deleteIfExists(elsewhere);
    }
  }

  private static String status(Run r) {
    return r.exit() == 0 ? r.json().at("/cluster/status").asText() : "exit " + r.exit();
  }
}
