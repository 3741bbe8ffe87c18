package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.api.PcsJson;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs logs}: a cluster's scheduler, job-completion, scaling or audit records, read
 * through the server's {@code OpenPCS.GetLogRecords} (so it works from any machine with an
 * administrator profile), printed as JSON lines. {@code --follow} keeps polling with the cursor.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print a cluster's log records (JSON lines); --follow keeps printing new ones.")
public final class LogsCommand implements Callable<Integer> {
  static final String TARGET = "OpenPCS.GetLogRecords";
  private static final Pattern DURATION = Pattern.compile("^([0-9]{1,9})([smhd])$");
  private static final int PAGE = 1000;

  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      paramLabel = "NAME|ID",
      description = "The cluster; may be left out with --type audit for the server's audit log.")
  String cluster;

  @Option(
      names = "--type",
      required = true,
      paramLabel = "scheduler|jobcomp|scaling|audit",
      description = "Which log.")
  String type;

  @Option(
      names = "--since",
      paramLabel = "TIME|DURATION",
      description = "Only records from this time on: ISO-8601 (2026-11-28T09:00:00Z) or ago (10m).")
  String since;

  @Option(names = "--follow", description = "Keep polling for new records until interrupted.")
  boolean follow;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N records, then stop.")
  Integer limit;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "How often --follow asks for new records (default ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(names = "--endpoint-url", description = "The OpenPCS endpoint (as for every command).")
  String endpointUrl;

  @Option(names = "--region", description = "The region to sign for.")
  String region;

  @Option(names = "--profile", description = "A profile from $OPENPCS_HOME/aws or ~/.aws.")
  String profile;

  private final CliEnvironment env;
  private final Clock clock;

  public LogsCommand() {
    this(CliEnvironment.system(), Clock.systemUTC());
  }

  public LogsCommand(CliEnvironment env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (limit != null && limit < 1) {
        throw CliFailure.param("--limit must be at least 1");
      }
      Duration poll = duration("--poll-interval", pollInterval);
      ObjectNode body = PcsJson.mapper().createObjectNode();
      if (cluster != null) {
        body.put("clusterIdentifier", cluster);
      }
      body.put("logType", type);
      if (since != null) {
        body.put("since", sinceInstant(since).toString());
      }
      CredentialResolver.Target t =
          new CredentialResolver(env).resolve(endpointUrl, region, profile);
      long printed = 0;
      try (PcsHttpClient client = new PcsHttpClient(t.endpoint(), t.credentials(), t.region())) {
        while (true) {
          int page = limit == null ? PAGE : (int) Math.min(PAGE, limit - printed);
          body.put("limit", page);
          JsonNode resp = client.callTarget(TARGET, body);
          JsonNode records = resp.path("records");
          for (JsonNode r : records) {
            out.println(r.toString());
          }
          out.flush();
          printed += records.size();
          if (resp.hasNonNull("nextToken")) {
            body.put("nextToken", resp.get("nextToken").asText());
          }
          if (limit != null && printed >= limit) {
            return 0;
          }
          if (records.size() < page) {
            if (!follow) {
              return 0;
            }
            Thread.sleep(poll);
          }
        }
      }
    } catch (CliFailure f) {
      err.print("\n" + f.getMessage() + "\n");
      err.flush();
      return f.exitCode();
    } catch (PcsClientException e) {
      err.print(Failures.serviceError(e, "GetLogRecords"));
      err.flush();
      return CliFailure.SERVICE;
    } catch (java.io.UncheckedIOException e) {
      err.print("\nCould not reach the OpenPCS endpoint: " + e.getMessage() + "\n");
      err.flush();
      return CliFailure.OTHER;
    }
  }

  /** An ISO-8601 time, or a duration ago: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}. */
  Instant sinceInstant(String value) {
    Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      return clock.instant().minus(duration("--since", value));
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw CliFailure.param(
          "--since takes an ISO-8601 time (2026-11-28T09:00:00Z) or a duration (10m, 2h, 1d)");
    }
  }

  private static Duration duration(String option, String value) {
    Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw CliFailure.param(option + " takes a duration such as 30s, 10m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
