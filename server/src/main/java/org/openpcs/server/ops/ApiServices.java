package org.openpcs.server.ops;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.openpcs.domain.Arns;
import org.openpcs.domain.IdGenerator;
import org.openpcs.domain.PageTokens;
import org.openpcs.domain.Quotas;

/** What the operation handlers share; built once in the server's main. */
public record ApiServices(
    Clock clock,
    IdGenerator ids,
    Arns arns,
    Quotas quotas,
    PageTokens pageTokens,
    SchedulerVersions schedulerVersions,
    ProviderFacts provider,
    ChangeNotifier notifier) {

  /**
   * Timestamps are kept to the microsecond: both databases and every SDK round-trip them exactly.
   */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
