package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlurmctldLineTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final Instant BEFORE = Instant.parse("2026-11-28T08:59:59Z");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[2026-11-28T09:00:00.123] error: Node burst-1 not responding | ERROR | Node burst-1 not responding",
        "[2026-11-28T09:00:00.123] fatal: Unable to bind listen port | FATAL | Unable to bind listen port",
        "[2026-11-28T09:00:00.123] debug:  Spawning ping agent | DEBUG | Spawning ping agent",
        "[2026-11-28T09:00:00.123] debug3: select/cons_tres: init | DEBUG | select/cons_tres: init",
        "[2026-11-28T09:00:00.123] verbose: reading conf | VERBOSE | reading conf",
        "[2026-11-28T09:00:00.123] warning: node count low | WARNING | node count low",
        "[2026-11-28T09:00:00.123] sched: Allocate JobId=3 | INFO | Allocate JobId=3",
        "[2026-11-28T09:00:00.123] Running as primary controller | INFO | Running as primary controller",
      })
  void levelAndMessageComeFromTheSlurmPrefix(String line, String level, String message) {
    SlurmctldLine parsed = SlurmctldLine.parse(line, UTC, BEFORE);

    assertThat(parsed.level()).isEqualTo(level);
    assertThat(parsed.message()).isEqualTo(message);
    assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-11-28T09:00:00.123Z"));
  }

  @Test
  void localTimeIsReadInTheControllersZone() {
    SlurmctldLine parsed =
        SlurmctldLine.parse("[2026-11-28T10:00:00.000] info: x", ZoneId.of("+01:00"), BEFORE);

    assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
  }

  @Test
  void anExplicitOffsetWins() {
    SlurmctldLine parsed =
        SlurmctldLine.parse("[2026-11-28T10:00:00.000+0100] error: x", UTC, BEFORE);

    assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
    assertThat(parsed.level()).isEqualTo("ERROR");
  }

  @Test
  void aLineWithoutTimestampKeepsItsTextAndThePreviousTime() {
    SlurmctldLine parsed = SlurmctldLine.parse("   continuation of a message", UTC, BEFORE);

    assertThat(parsed.timestamp()).isEqualTo(BEFORE);
    assertThat(parsed.level()).isEqualTo("INFO");
    assertThat(parsed.message()).isEqualTo("   continuation of a message");
  }

  @Test
  void anUnreadableTimestampFallsBackToThePreviousTime() {
    SlurmctldLine parsed = SlurmctldLine.parse("[2026-13-45T99:00:00] error: x", UTC, BEFORE);

    assertThat(parsed.timestamp()).isEqualTo(BEFORE);
    assertThat(parsed.level()).isEqualTo("ERROR");
  }
}
