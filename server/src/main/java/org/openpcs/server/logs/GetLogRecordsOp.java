package org.openpcs.server.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.openpcs.api.PcsJson;
import org.openpcs.api.error.ResourceNotFoundException;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;
import org.openpcs.domain.Cluster;
import org.openpcs.server.ops.CallContext;
import org.openpcs.store.StoreTx;

/**
 * {@code OpenPCS.GetLogRecords}: an administrator reads a cluster's logs through the API, so {@code
 * openpcs logs} works from any machine. Input {@code clusterIdentifier} (name or id; may be left
 * out for {@code audit}, which then reads the server-wide audit log), {@code logType}, {@code
 * since} (ISO-8601), {@code nextToken}, {@code limit} (1–1000, default 100). Output {@code records}
 * and a {@code nextToken} to continue from, also at the end, so a follower polls with it.
 */
public final class GetLogRecordsOp {
  public static final String TARGET = "OpenPCS.GetLogRecords";
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> MEMBERS =
      Set.of("clusterIdentifier", "logType", "since", "nextToken", "limit");
  private static final Pattern CLUSTER_IDENTIFIER =
      Pattern.compile("^(pcs_[a-zA-Z0-9]+|[A-Za-z][A-Za-z0-9-]{2,40})$");

  private final LogReader reader;

  public GetLogRecordsOp(LogReader reader) {
    this.reader = reader;
  }

  private record Input(
      String cluster, LogType type, Instant since, LogReader.Position from, int limit) {}

  public ObjectNode handle(JsonNode body, StoreTx tx, CallContext ctx) {
    Input in = validate(body);
    String stream = LogRecord.SERVER_STREAM;
    if (in.cluster() != null) {
      stream =
          tx.findCluster(in.cluster())
              .map(Cluster::id)
              .orElseThrow(
                  () ->
                      new ResourceNotFoundException(
                          "Cluster " + in.cluster() + " not found.", in.cluster(), "cluster"));
    }
    LogReader.Page page;
    try {
      page = reader.read(stream, in.type(), in.from(), in.since(), in.limit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode out = PcsJson.mapper().createObjectNode();
    out.putArray("records").addAll(page.records());
    page.next().ifPresent(p -> out.put("nextToken", p.token()));
    return out;
  }

  /** Every bad member, in one ValidationException. */
  static Input validate(JsonNode body) {
    List<Field> problems = new ArrayList<>();
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!MEMBERS.contains(name)) {
        problems.add(new Field(name, "Unknown member; expected one of " + sorted()));
      }
    }
    LogType type = null;
    JsonNode t = body.get("logType");
    if (t == null || t.isNull()) {
      problems.add(new Field("logType", "Member must not be null"));
    } else if (!t.isTextual() || LogType.parse(t.asText()).isEmpty()) {
      problems.add(
          new Field(
              "logType",
              "Member must satisfy enum value set: [scheduler, jobcomp, scaling, audit]"));
    } else {
      type = LogType.parse(t.asText()).get();
    }
    String cluster = null;
    JsonNode c = body.get("clusterIdentifier");
    if (c == null || c.isNull()) {
      if (type != null && type != LogType.AUDIT) {
        problems.add(
            new Field(
                "clusterIdentifier", "Member must not be null (only audit has a server log)"));
      }
    } else if (!c.isTextual() || !CLUSTER_IDENTIFIER.matcher(c.asText()).matches()) {
      problems.add(
          new Field(
              "clusterIdentifier",
              "Member must satisfy regular expression pattern: " + CLUSTER_IDENTIFIER.pattern()));
    } else {
      cluster = c.asText();
    }
    Instant since = null;
    JsonNode s = body.get("since");
    if (s != null && !s.isNull()) {
      try {
        since = Instant.parse(s.isTextual() ? s.asText() : "");
      } catch (DateTimeParseException e) {
        problems.add(
            new Field("since", "Member must be an ISO-8601 time such as 2026-11-28T09:00:00Z"));
      }
    }
    LogReader.Position from = null;
    JsonNode n = body.get("nextToken");
    if (n != null && !n.isNull()) {
      from = n.isTextual() ? LogReader.Position.parse(n.asText()).orElse(null) : null;
      if (from == null) {
        problems.add(new Field("nextToken", "Member is not a token this operation returned"));
      }
    }
    int limit = DEFAULT_LIMIT;
    JsonNode l = body.get("limit");
    if (l != null && !l.isNull()) {
      if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 1 || l.asInt() > MAX_LIMIT) {
        problems.add(new Field("limit", "Member must be an integer between 1 and " + MAX_LIMIT));
      } else {
        limit = l.asInt();
      }
    }
    if (!problems.isEmpty()) {
      throw ValidationException.ofFields(problems);
    }
    return new Input(cluster, type, since, from, limit);
  }

  private static List<String> sorted() {
    return MEMBERS.stream().sorted().toList();
  }
}
