package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code bench api} briefly on H2 so the benchmark cannot rot. Checks that it ran, made no
 * errors and wrote parsable JSON; never looks at timing numbers, which depend on the machine.
 */
class ApiBenchSmokeTest {

  @Test
  void shortApiBenchOnH2RunsWithoutErrorsAndWritesJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("api.json");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setOut(new PrintWriter(out));

    int exit =
        cli.execute(
            "api",
            "--store",
            "h2",
            "--rate",
            "20",
            "--seconds",
            "1",
            "--warmup-seconds",
            "0",
            "--json",
            json.toString());

    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("GetCluster", "CreateQueue", "DeleteQueue");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.get("failures")).isEmpty();
    JsonNode runs = report.get("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("store").asText()).isEqualTo("h2");
    JsonNode rows = runs.get(0).get("rows");
    assertThat(rows).isNotEmpty();
    for (JsonNode row : rows) {
      String op = row.get("operation").asText();
      assertThat(row.get("requests").asLong()).as(op + " requests").isPositive();
      assertThat(row.get("errors").asLong()).as(op + " errors").isZero();
    }
    assertThat(rows.findValuesAsText("operation"))
        .contains("GetCluster", "CreateQueue", "DeleteQueue", "CreateQueue+DeleteQueue");
    assertThat(runs.get(0).get("unfinishedArrivals").asLong()).isZero();
  }
}
