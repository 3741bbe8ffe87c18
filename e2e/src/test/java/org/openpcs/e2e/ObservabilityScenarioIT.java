package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpcs.cli.Cli;
import org.openpcs.cli.CliEnvironment;
import org.openpcs.server.metrics.MetricConventions;
import org.openpcs.server.metrics.PrometheusText;
import org.openpcs.server.metrics.PrometheusText.Family;

/**
 * A job through a scale-up and scale-down on real Slurm, seen through {@code /metrics} and {@code
 * openpcs events}: node, instance and job gauges while it runs; launches, a launch failure,
 * resume-to-ready times, terminations and idle node-seconds afterwards, consistent with each other
 * and with the scaling log; and the lifecycle events of every resource created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private SlurmHarness h;
  private Path home;

  @BeforeAll
  void start() throws IOException {
    h = new SlurmHarness();
    home = Files.createTempDirectory("openpcs-events-home");
  }

  @AfterAll
  void stop() throws IOException {
    h.close();
    Files.deleteIfExists(home);
    assertThat(h.processesUsingDataDir()).isEmpty();
  }

  @Test
  void aScaleUpAndDownShowsInMetricsAndEvents() throws Exception {
    String c = h.createCluster("observed", 8);
    String g =
        h.pcs
            .createComputeNodeGroup(
                r ->
                    r.clusterIdentifier(c)
                        .computeNodeGroupName("burst")
                        .subnetIds("subnet-0123456789abcdef0")
                        .customLaunchTemplate(t -> t.id(SlurmHarness.TEMPLATE).version("1"))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-e2e")
                        .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(2))
                        .instanceConfigs(
                            i -> i.instanceType("c5.large"), i -> i.instanceType("c6i.large")))
            .computeNodeGroup()
            .id();
    h.createQueue(c, "work", g);

    h.server.provider().failNextLaunches(1, "INSUFFICIENT_CAPACITY");
    long job = h.sbatch(c, "-p", "work", "-N2", "--wrap", "srun sleep 12");

    // While it runs: two allocated nodes, two running instances, one running job.
    awaitMetrics(
        "the running job in the gauges",
        m ->
            gauge(m, "openpcs_jobs", c, "state", "running") == 1
                // one task per node on a 2-vCPU type: "mixed" rather than "allocated"
                && gauge(m, "openpcs_slurm_nodes", c, "state", "allocated")
                        + gauge(m, "openpcs_slurm_nodes", c, "state", "mixed")
                    == 2
                && gauge(m, "openpcs_instances", c, "state", "running") == 2);
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));

    // After the idle time the group is back to zero and every counter has its final value.
    Map<String, Family> m =
        awaitMetrics(
            "scale-down in the counters",
            x ->
                counter(
                            x,
                            "openpcs_instance_terminations_total",
                            c,
                            "reason",
                            "SCHEDULER_REQUESTED")
                        == 2
                    && gauge(x, "openpcs_instances", c, "state", "running") == 0);
    MetricConventions.check(m);
    double launches = counter(m, "openpcs_instance_launches_total", c, null, null);
    assertThat(launches).isEqualTo(2);
    assertThat(
            counter(
                m, "openpcs_instance_launch_failures_total", c, "reason", "INSUFFICIENT_CAPACITY"))
        .isEqualTo(1);
    assertThat(counter(m, "openpcs_node_resume_duration_seconds_count", c, null, null))
        .isEqualTo(2);
    assertThat(counter(m, "openpcs_node_resume_duration_seconds_sum", c, null, null))
        .isPositive()
        .isLessThan(2 * 120);
    // Nodes sat idle for the scale-down time before they were powered down.
    assertThat(counter(m, "openpcs_idle_node_seconds_total", c, null, null)).isPositive();
    long launchedInLog =
        Files.readAllLines(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")).stream()
            .filter(l -> l.contains("\"state\":\"LAUNCHED\""))
            .count();
    assertThat(launches).isEqualTo(launchedInLog);
    assertThat(counter(m, "openpcs_controller_daemon_restarts_total", c, null, null)).isZero();

    // The events of the three resources, through the CLI with the server's own profile.
    String table = cli("events", "--cluster", "observed");
    assertThat(table.lines().findFirst().orElse("")).startsWith("TIME").contains("MESSAGE");
    assertThat(table)
        .contains("cluster/observed")
        .contains("computenodegroup/burst")
        .contains("queue/work")
        .contains("CREATING")
        .contains("ACTIVE");
    JsonNode json =
        JSON.readTree(cli("events", "--cluster", c, "--resource", "burst", "--output", "json"));
    assertThat(json.path("events")).isNotEmpty();
    json.path("events").forEach(e -> assertThat(e.path("resourceId").asText()).isEqualTo(g));
    assertThat(json.path("events").get(0).path("reason").asText()).isEqualTo("CREATING");
    // The nodes were launched when slurmctld allocated them, not at its power-up request about a
    // second later (D54); the request then found them launched.
    assertThat(json.path("events").findValuesAsText("message"))
        .anySatisfy(
            msg ->
                assertThat(msg).startsWith("launched ").endsWith("ahead of its power-up request"));

    // --follow prints what happens after it started: the queue's deletion.
    StringWriter followed = new StringWriter();
    Thread follower =
        Thread.ofVirtual()
            .start(
                () ->
                    Cli.run(
                        new CliEnvironment(Map.of("OPENPCS_HOME", h.dataDir.toString()), home),
                        new PrintWriter(followed, true),
                        new PrintWriter(new StringWriter(), true),
                        "events",
                        "--cluster",
                        c,
                        "--since",
                        "1s",
                        "--follow",
                        "--poll-interval",
                        "PT0.2S"));
    h.pcs.deleteQueue(r -> r.clusterIdentifier(c).queueIdentifier("work"));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> followed.toString().contains("DELETED"),
        () -> "the queue's deletion in --follow: " + followed);
    follower.interrupt();
    follower.join(Duration.ofSeconds(10));
    assertThat(follower.isAlive()).isFalse();
    assertThat(followed.toString()).contains("DELETING").doesNotContain("CREATING");

    // A crashed slurmctld is restarted by the supervisor: counted, and a DEGRADED event says so.
    // (Deleting the queue restarted slurmctld for the new partition list: planned, not counted.)
    Path pidFile = h.dataDir.resolve("clusters").resolve(c).resolve("run/slurmctld.pid");
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> Files.exists(pidFile) && h.run(c, "scontrol", "ping").output().contains("UP"),
        () -> "slurmctld up after the queue's deletion");
    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
        .orElseThrow()
        .destroyForcibly();
    awaitMetrics(
        "the slurmctld restart counted",
        x -> counter(x, "openpcs_controller_daemon_restarts_total", c, "daemon", "slurmctld") == 1);
    SlurmHarness.await(
        Duration.ofSeconds(30),
        () -> cli("events", "--cluster", c, "--resource", c).contains("DEGRADED"),
        () -> "a DEGRADED event: " + cli("events", "--cluster", c, "--resource", c));
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new CliEnvironment(Map.of("OPENPCS_HOME", h.dataDir.toString()), home),
            new PrintWriter(out),
            new PrintWriter(err),
            args);
    assertThat(exit).as("openpcs %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  private Map<String, Family> awaitMetrics(String what, Predicate<Map<String, Family>> done) {
    AtomicReference<Map<String, Family>> last = new AtomicReference<>();
    SlurmHarness.await(
        Duration.ofSeconds(120),
        () -> {
          last.set(scrape());
          return done.test(last.get());
        },
        () -> what + "; last scrape: " + summary(last.get()));
    return last.get();
  }

  private Map<String, Family> scrape() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(h.server.endpoint() + "/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return PrometheusText.parse(r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a family's samples for one cluster, optionally with one label value. */
  private static double gauge(
      Map<String, Family> m, String family, String cluster, String label, String value) {
    return counter(m, family, cluster, label, value);
  }

  private static double counter(
      Map<String, Family> m, String sample, String cluster, String label, String value) {
    return m.values().stream()
        .flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(sample))
        .filter(s -> cluster.equals(s.labels().get("cluster")))
        .filter(s -> label == null || value.equals(s.labels().get(label)))
        .mapToDouble(PrometheusText.Sample::value)
        .sum();
  }

  private static String summary(Map<String, Family> m) {
    if (m == null) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    m.values().stream()
        .filter(f -> f.name().startsWith("openpcs_") && !f.name().startsWith("openpcs_api"))
        .flatMap(f -> f.samples().stream())
        .filter(s -> !s.name().endsWith("_bucket"))
        .forEach(
            s -> sb.append(s.name()).append(s.labels()).append('=').append(s.value()).append("; "));
    return sb.toString();
  }
}
