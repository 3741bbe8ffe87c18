package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.api.PcsJson;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.cli.CliEnvironment;
import org.openpcs.cli.LogsCommand;
import picocli.CommandLine;

/**
 * A job through scale-up and scale-down on real Slurm, then {@code openpcs logs}: the job's
 * completion record names the instance (id and type) behind each of its nodes, the scaling log has
 * every step of both nodes, the audit log has the API calls made, the scheduler log has slurmctld's
 * lines with parsed levels, and a server restart repeats none of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsIT {
  private SlurmHarness h;
  private Path home;

  @BeforeAll
  void start() throws IOException {
    h = new SlurmHarness();
    home = Files.createTempDirectory("openpcs-logs-home");
  }

  @AfterAll
  void stop() throws IOException {
    h.close();
    Files.deleteIfExists(home);
    assertThat(ProcessScan.describe(h.processesUsingDataDir())).isEmpty();
  }

  /** {@code openpcs logs <args>} in-process, with the server's profile; records as JSON. */
  private List<JsonNode> logs(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        new CommandLine(
            new LogsCommand(
                new CliEnvironment(Map.of("OPENPCS_HOME", h.dataDir.toString()), home),
                Clock.systemUTC()));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    assertThat(exit).as("openpcs logs %s: %s", List.of(args), err).isZero();
    List<JsonNode> records = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        try {
          records.add(PcsJson.mapper().readTree(line));
        } catch (IOException e) {
          throw new AssertionError("not a JSON line: " + line, e);
        }
      }
    }
    return records;
  }

  private List<JsonNode> awaitLogs(Predicate<List<JsonNode>> done, String what, String... args) {
    List<List<JsonNode>> last = new ArrayList<>(List.of(List.of()));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> {
          last.set(0, logs(args));
          return done.test(last.get(0));
        },
        () -> what + "; got " + last.get(0));
    return last.get(0);
  }

  private static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f) : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String list(Path dir) {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList().toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String step(JsonNode r) {
    return r.path("node_name").asText()
        + " "
        + r.path("state").asText()
        + " "
        + r.path("reason").asText();
  }

  @Test
  void aJobsLogsShowItsInstancesEveryScalingStepAndTheApiCallsThatMadeThem() throws Exception {
    String c = h.createCluster("logged", 5);
    String g = h.createGroup(c, "burst", 0, 2);
    h.createQueue(c, "work", g);
    long job = h.sbatch(c, "-p", "work", "-N2", "--wrap", "srun hostname");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));
    List<String> everyStep = new ArrayList<>();
    for (String node : List.of("burst-1", "burst-2")) {
      everyStep.add(node + " REGISTERED REGISTER_SUCCESS");
      everyStep.add(node + " ACTIVE BOOTSTRAP_SUCCESS");
      everyStep.add(node + " TERMINATED SCHEDULER_REQUESTED");
    }

    List<JsonNode> scaling =
        awaitLogs(
            rs -> rs.stream().map(LogsIT::step).toList().containsAll(everyStep),
            "every scaling step of burst-1 and burst-2 up to scale-down",
            "--cluster",
            "logged",
            "--type",
            "scaling");
    Path logDir = h.slurmConf(c).getParent().getParent().resolve("log");
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> read(logDir.resolve("jobcomp.txt")).contains("JobId=" + job + " "),
        () ->
            "slurmctld writes the job's completion line; log dir: "
                + list(logDir)
                + "; jobcomp.txt: "
                + read(logDir.resolve("jobcomp.txt")));
    List<JsonNode> jobcomp =
        awaitLogs(
            rs -> rs.stream().anyMatch(r -> r.at("/fields/JobId").asText().equals("" + job)),
            "the completion record of job " + job,
            "--cluster",
            c,
            "--type",
            "jobcomp");

    JsonNode done =
        jobcomp.stream()
            .filter(r -> r.at("/fields/JobId").asText().equals("" + job))
            .findFirst()
            .orElseThrow();
    assertThat(done.get("resource_id").asText()).isEqualTo(c);
    assertThat(done.at("/fields/JobState").asText()).isEqualTo("COMPLETED");
    assertThat(done.at("/fields/Partition").asText()).isEqualTo("work");
    assertThat(done.at("/fields/ExitCode").asText()).isEqualTo("0:0");
    assertThat(done.at("/fields/UserId").asText()).isNotBlank();
    assertThat(done.at("/fields/SubmitTime").asText()).isNotBlank();
    assertThat(done.at("/fields/StartTime").asText()).isNotBlank();
    assertThat(done.at("/fields/EndTime").asText()).isNotBlank();
    assertThat(done.at("/fields/NodeList").asText()).isEqualTo("burst-[1-2]");
    // Each node's instance is the one the scaling log says registered as that node.
    for (JsonNode n : done.get("nodes")) {
      String launched =
          scaling.stream()
              .filter(
                  r ->
                      r.path("node_name").asText().equals(n.get("node_name").asText())
                          && r.path("state").asText().equals("REGISTERED"))
              .map(r -> r.path("instance_id").asText())
              .findFirst()
              .orElseThrow();
      assertThat(n.get("instance_id").asText()).startsWith("i-").isEqualTo(launched);
      assertThat(n.get("instance_type").asText()).isEqualTo(SlurmHarness.INSTANCE_TYPE);
      assertThat(n.get("compute_node_group_id").asText()).isEqualTo(g);
    }
    assertThat(done.get("nodes")).hasSize(2);

    String admin =
        AwsProfiles.read(
                h.dataDir.resolve("aws/credentials"), h.dataDir.resolve("aws/config"), "openpcs")
            .orElseThrow()
            .accessKeyId();
    List<JsonNode> audit =
        awaitLogs(
            rs ->
                rs.stream()
                    .map(r -> r.path("operation").asText())
                    .toList()
                    .containsAll(List.of("CreateComputeNodeGroup", "CreateQueue", "GetCluster")),
            "the audit records of the calls made",
            "--cluster",
            "logged",
            "--type",
            "audit");
    assertThat(audit)
        .filteredOn(r -> r.path("operation").asText().equals("CreateComputeNodeGroup"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("resource").asText()).isEqualTo(g);
              assertThat(r.get("outcome").asText()).isEqualTo("SUCCESS");
              assertThat(r.get("principal").asText()).isEqualTo(admin);
            });
    // CreateCluster names no cluster in its request: it is audited under the cluster it made.
    assertThat(audit).anyMatch(r -> r.path("operation").asText().equals("CreateCluster"));

    List<JsonNode> scheduler = logs("--cluster", c, "--type", "scheduler");
    assertThat(scheduler).isNotEmpty();
    assertThat(scheduler)
        .allSatisfy(
            r -> {
              assertThat(r.get("log_name").asText()).isEqualTo("slurmctld");
              assertThat(r.get("log_level").asText())
                  .isIn("FATAL", "ERROR", "WARNING", "INFO", "VERBOSE", "DEBUG");
              assertThat(r.get("scheduler_major_version").asText()).isEqualTo(h.slurmVersion());
              assertThat(java.time.Instant.parse(r.get("event_timestamp").asText())).isNotNull();
            });
    assertThat(scheduler).anyMatch(r -> r.get("message").asText().contains("JobId=" + job));

    // --since and --limit: only recent records, at most that many.
    assertThat(logs("--cluster", c, "--type", "scheduler", "--limit", "3")).hasSize(3);
    assertThat(logs("--cluster", c, "--type", "scaling", "--since", "2000-01-01T00:00:00Z"))
        .hasSize(scaling.size());
    assertThat(logs("--cluster", c, "--type", "scaling", "--since", "2999-01-01T00:00:00Z"))
        .isEmpty();

    // A restarted server continues each file where it stopped: nothing is delivered twice.
    h.stopServer();
    h.start();
    Thread.sleep(3000); // several polls of the restarted tailers
    List<JsonNode> jobcompAfter = logs("--cluster", c, "--type", "jobcomp");
    assertThat(jobcompAfter)
        .filteredOn(r -> r.at("/fields/JobId").asText().equals("" + job))
        .hasSize(1);
    // Every line of slurmctld's log is one record, once (identical lines do occur in it, so
    // counting is the test; the await covers lines slurmctld writes meanwhile).
    Path slurmctldLog = logDir.resolve("slurmctld.log");
    List<Long> counts = new ArrayList<>(List.of(0L, 0L));
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> {
          counts.set(0, read(slurmctldLog).lines().filter(l -> !l.isBlank()).count());
          counts.set(1, (long) logs("--cluster", c, "--type", "scheduler").size());
          return counts.get(0).equals(counts.get(1));
        },
        () -> "one scheduler record per slurmctld line (lines, records): " + counts);

    // Checked last, so that everything above is known to work when this fails: StaticCapacity
    // records LAUNCHED only after its store update, which loses (StaleVersionException) when the
    // new instance's agent registers first; the next pass then never records the launch.
    assertThat(logs("--cluster", c, "--type", "scaling").stream().map(LogsIT::step))
        .as("both launches are in the scaling log")
        .contains("burst-1 LAUNCHED SCHEDULER_REQUESTED", "burst-2 LAUNCHED SCHEDULER_REQUESTED");
  }
}
