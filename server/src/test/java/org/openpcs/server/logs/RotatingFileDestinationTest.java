package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileDestinationTest {
  @TempDir Path root;

  private static LogRecord record(int n) {
    return new LogRecord(
        "pcs_abc",
        LogType.AUDIT,
        "{\"event_timestamp\":\"2026-11-28T09:00:"
            + String.format("%02d", n % 60)
            + "Z\",\"n\":"
            + n
            + ",\"pad\":\""
            + "x".repeat(80)
            + "\"}");
  }

  @Test
  void aFullFileRotatesAndOnlyTheNewestGenerationsAreKept() throws Exception {
    RotatingFileDestination files = new RotatingFileDestination(root, 1024, 2);
    for (int n = 0; n < 50; n++) {
      files.write(List.of(record(n)));
    }
    files.close();

    Path current = root.resolve("pcs_abc/audit.log");
    assertThat(current).exists();
    assertThat(Path.of(current + ".1")).exists();
    assertThat(Path.of(current + ".2")).exists();
    assertThat(Path.of(current + ".3")).doesNotExist();
    for (Path f : List.of(current, Path.of(current + ".1"), Path.of(current + ".2"))) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(1024);
    }
    // The newest record is the last line of the current file.
    List<String> lines = Files.readAllLines(current);
    assertThat(lines.getLast()).contains("\"n\":49");
  }

  @Test
  void aReaderResumesWithItsTokenAcrossRotationWithoutRepeatingOrSkipping() throws Exception {
    RotatingFileDestination files = new RotatingFileDestination(root, 1024, 50);
    LogReader reader = new LogReader(root, 50);
    List<Integer> seen = new ArrayList<>();
    LogReader.Position at = null;
    for (int n = 0; n < 200; n++) {
      files.write(List.of(record(n)));
      if (n % 7 == 0) {
        LogReader.Page page = reader.read("pcs_abc", LogType.AUDIT, at, null, 5);
        page.records().forEach(r -> seen.add(r.get("n").asInt()));
        at = page.next().orElseThrow();
      }
    }
    while (true) {
      LogReader.Page page = reader.read("pcs_abc", LogType.AUDIT, at, null, 5);
      page.records().forEach(r -> seen.add(r.get("n").asInt()));
      at = page.next().orElseThrow();
      if (page.records().isEmpty()) {
        break;
      }
    }
    files.close();

    assertThat(seen)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).boxed().toList());
  }

  @Test
  void sinceSkipsOlderRecordsAndATokenSurvivesTheRoundTrip() throws Exception {
    RotatingFileDestination files = new RotatingFileDestination(root, 1 << 20, 2);
    for (int n = 0; n < 10; n++) {
      files.write(List.of(record(n)));
    }
    LogReader reader = new LogReader(root, 2);

    LogReader.Page page =
        reader.read("pcs_abc", LogType.AUDIT, null, Instant.parse("2026-11-28T09:00:07Z"), 100);

    assertThat(page.records()).extracting(r -> r.get("n").asInt()).containsExactly(7, 8, 9);
    String token = page.next().orElseThrow().token();
    assertThat(LogReader.Position.parse(token)).contains(page.next().get());
    assertThat(LogReader.Position.parse("not a token")).isEmpty();
    assertThat(reader.read("pcs_abc", LogType.SCHEDULER, null, null, 10).records()).isEmpty();
    JsonNode first = reader.read("pcs_abc", LogType.AUDIT, null, null, 1).records().getFirst();
    assertThat(first.get("n").asInt()).isZero();
  }
}
