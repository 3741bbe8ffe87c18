package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs events}: the events the server stored about clusters, node groups and queues,
 * through the administrator's extension operation {@code OpenPCS.ListEvents}. Endpoint, region and
 * credentials resolve exactly as for the PCS commands ({@link CredentialResolver}).
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Show events about clusters, compute node groups and queues (oldest first).",
      "Examples: openpcs events --cluster demo --since 10m;"
          + " openpcs events --cluster demo --resource compute --follow"
    })
public final class EventsCommand implements Callable<Integer> {
  static final String TARGET = "OpenPCS.ListEvents";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})([smhd])");
  private static final int PAGE = 1000;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--cluster", paramLabel = "NAME_OR_ID", description = "Only this cluster.")
  String cluster;

  @Option(
      names = "--resource",
      paramLabel = "NAME_OR_ID",
      description =
          "Only this compute node group or queue (or the cluster itself); needs --cluster.")
  String resource;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only events at or after TIME: an ISO-8601 instant or an age such as 10m, 2h, 1d.")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N events before following (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--follow", description = "Keep printing new events until interrupted.")
  boolean follow;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      defaultValue = "PT2S",
      hidden = true,
      description = "How often --follow asks for new events.")
  Duration pollInterval;

  @Option(
      names = "--output",
      paramLabel = "table|json",
      defaultValue = "table",
      description = "table (default) or json.")
  String output;

  @Option(names = "--endpoint-url", paramLabel = "<value>", description = "The OpenPCS endpoint.")
  String endpointUrl;

  @Option(names = "--region", paramLabel = "<value>", description = "The region to sign for.")
  String region;

  @Option(names = "--profile", paramLabel = "<value>", description = "A profile to use.")
  String profile;

  private final CliEnvironment env;

  public EventsCommand() {
    this(CliEnvironment.system());
  }

  public EventsCommand(CliEnvironment env) {
    this.env = env;
  }

  /** The command for a root (the operation commands' root adds it). */
  static CommandLine create(CliEnvironment env) {
    return new CommandLine(new EventsCommand(env));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CredentialResolver.Target target = null;
    try {
      ObjectNode request = request(java.time.Clock.systemUTC());
      target = new CredentialResolver(env).resolve(endpointUrl, region, profile);
      try (PcsHttpClient client =
          new PcsHttpClient(target.endpoint(), target.credentials(), target.region())) {
        EventPrinter printer = new EventPrinter(out, output.equals("json"), follow);
        long cursor = 0;
        int remaining = limit;
        boolean more = true;
        while (more && remaining > 0) {
          request.put("afterSequence", cursor).put("maxResults", Math.min(PAGE, remaining));
          JsonNode page = client.callTarget(TARGET, request);
          remaining -= printer.print(page.path("events"));
          cursor = page.path("lastSequence").asLong(cursor);
          more = page.path("more").asBoolean(false);
        }
        if (!follow) {
          printer.finish();
          return 0;
        }
        while (!Thread.currentThread().isInterrupted()) {
          out.flush();
          Thread.sleep(pollInterval);
          request.put("afterSequence", cursor).put("maxResults", PAGE);
          JsonNode page = client.callTarget(TARGET, request);
          printer.print(page.path("events"));
          cursor = page.path("lastSequence").asLong(cursor);
        }
        return 0;
      }
    } catch (CliFailure f) {
      err.print(
          f.showUsage()
              ? Failures.usage(spec.root().name(), f.getMessage())
              : "\n" + f.getMessage() + "\n");
      return f.exitCode();
    } catch (PcsClientException e) {
      err.print(Failures.serviceError(e, "ListEvents"));
      return CliFailure.SERVICE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (RuntimeException e) {
      Optional<String> connection =
          target == null ? Optional.empty() : Failures.connectionFailure(e, target.endpoint());
      err.print(connection.orElseGet(() -> "\n" + e.getMessage() + "\n"));
      return CliFailure.OTHER;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The request body; every bad option is named in one message. */
  ObjectNode request(java.time.Clock clock) {
    List<String> problems = new ArrayList<>();
    ObjectNode body = JSON.createObjectNode();
    if (cluster != null) {
      body.put("clusterIdentifier", cluster);
    }
    if (resource != null) {
      if (cluster == null) {
        problems.add("--resource needs --cluster (names are per cluster)");
      }
      body.put("resourceIdentifier", resource);
    }
    if (since != null) {
      try {
        body.put("since", parseSince(since, clock.instant()).toString());
      } catch (IllegalArgumentException e) {
        problems.add("--since: " + e.getMessage());
      }
    }
    if (limit < 1) {
      problems.add("--limit: must be at least 1");
    }
    if (!output.equals("table") && !output.equals("json")) {
      problems.add("--output: must be table or json");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      problems.add("--poll-interval: must be positive");
    }
    if (!problems.isEmpty()) {
      throw CliFailure.param("Parameter validation failed:\n" + String.join("\n", problems));
    }
    return body;
  }

  /** {@code 10m} (seconds, minutes, hours, days ago) or an ISO-8601 instant. */
  static Instant parseSince(String value, Instant now) {
    Matcher m = RELATIVE.matcher(value.strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration unit =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
          };
      return now.minus(unit.multipliedBy(n));
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "expected an ISO-8601 instant (2026-01-02T03:04:05Z) or an age such as 30s, 10m, 2h, 1d;"
              + " got '"
              + value
              + "'");
    }
  }
}
