package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code openpcs logs} against a stub endpoint: what it sends, how it pages and follows. */
class LogsCommandTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

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

  private CliRunner.Result logs(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LogsCommand(CliRunner.env(home, stub.url()), CLOCK));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRunner.Result(code, out.toString(), err.toString());
  }

  @Test
  void sendsTheFiltersAndPrintsEachRecordAsAJsonLine() {
    stub.reply(200, "{\"records\":[{\"a\":1},{\"b\":2}],\"nextToken\":\"t1\"}");

    CliRunner.Result r = logs("--cluster", "demo", "--type", "jobcomp", "--since", "10m");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    StubServer.Recorded sent = stub.only();
    assertThat(sent.target()).isEqualTo("OpenPCS.GetLogRecords");
    assertThat(sent.json().get("clusterIdentifier").asText()).isEqualTo("demo");
    assertThat(sent.json().get("logType").asText()).isEqualTo("jobcomp");
    assertThat(sent.json().get("since").asText()).isEqualTo("2026-11-28T09:50:00Z");
    assertThat(sent.json().has("nextToken")).isFalse();
  }

  @Test
  void followsWithTheCursorUntilTheLimit() {
    stub.respond(
        req -> {
          String token = req.json().path("nextToken").asText("none");
          return switch (token) {
            case "none" ->
                new StubServer.Reply(200, "{\"records\":[{\"n\":1}],\"nextToken\":\"t1\"}");
            case "t1" -> new StubServer.Reply(200, "{\"records\":[],\"nextToken\":\"t1b\"}");
            default -> new StubServer.Reply(200, "{\"records\":[{\"n\":2}],\"nextToken\":\"t2\"}");
          };
        });

    CliRunner.Result r =
        logs(
            "--cluster",
            "demo",
            "--type",
            "scheduler",
            "--follow",
            "--limit",
            "2",
            "--poll-interval",
            "1s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
    assertThat(stub.requests())
        .extracting(q -> q.json().path("nextToken").asText("none"))
        .containsExactly("none", "t1", "t1b");
  }

  @Test
  void badOptionsAndServiceErrorsGiveTheCliExitCodes() {
    assertThat(logs("--type", "audit", "--since", "yesterday").exitCode())
        .isEqualTo(CliFailure.USAGE);
    assertThat(logs("--type", "audit", "--limit", "0").exitCode()).isEqualTo(CliFailure.USAGE);
    assertThat(stub.requests()).isEmpty();

    stub.reply(
        400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Cluster x not found.\"}");
    CliRunner.Result r = logs("--cluster", "x", "--type", "audit");

    assertThat(r.exitCode()).isEqualTo(CliFailure.SERVICE);
    assertThat(r.err()).contains("ResourceNotFoundException");
  }
}
