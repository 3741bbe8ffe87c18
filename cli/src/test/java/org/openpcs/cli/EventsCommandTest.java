package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EventsCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void sinceTakesAnAgeOrAnInstant() {
    assertThat(EventsCommand.parseSince("10m", NOW)).isEqualTo(NOW.minusSeconds(600));
    assertThat(EventsCommand.parseSince("30s", NOW)).isEqualTo(NOW.minusSeconds(30));
    assertThat(EventsCommand.parseSince("2h", NOW)).isEqualTo(NOW.minusSeconds(7200));
    assertThat(EventsCommand.parseSince("1d", NOW)).isEqualTo(NOW.minusSeconds(86400));
    assertThat(EventsCommand.parseSince("2026-01-02T03:04:05Z", NOW))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThatThrownBy(() -> EventsCommand.parseSince("yesterday", NOW))
        .hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> EventsCommand.parseSince("10 m", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRequestCarriesEveryFilter() {
    EventsCommand c = parse("--cluster", "demo", "--resource", "compute", "--since", "10m");

    var body = c.request(Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(body.path("clusterIdentifier").asText()).isEqualTo("demo");
    assertThat(body.path("resourceIdentifier").asText()).isEqualTo("compute");
    assertThat(body.path("since").asText()).isEqualTo("2026-11-28T09:50:00Z");
  }

  @Test
  void everyBadOptionIsNamedAtOnce() {
    EventsCommand c = parse("--resource", "compute", "--since", "soon", "--limit", "0");

    assertThatThrownBy(() -> c.request(Clock.fixed(NOW, ZoneOffset.UTC)))
        .hasMessageContaining("--resource needs --cluster")
        .hasMessageContaining("--since")
        .hasMessageContaining("--limit");
  }

  private static EventsCommand parse(String... args) {
    EventsCommand c = new EventsCommand(CliEnvironment.system());
    new CommandLine(c).parseArgs(args);
    return c;
  }
}
