package org.openpcs.server.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One audit record per API call: who (access key id), what (operation, resource), how it ended
 * (SUCCESS or the error type, HTTP status), the request id, the caller's address and the latency. A
 * call about a cluster goes to that cluster's audit log; any other call (ListClusters, failed
 * authentication, an unknown cluster) to the server's. Only identifiers are recorded, never request
 * bodies, so secrets cannot end up here.
 */
public final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CACHE_LIMIT = 10_000;

  /** One finished call, as the HTTP layer saw it. Nulls for what is not known. */
  public record Call(
      String requestId,
      String principal,
      String operation,
      int status,
      String errorType,
      long nanos,
      String remote,
      String cluster,
      String resource) {}

  private final LogSink sink;
  private final Function<String, Optional<String>> clusterIds;
  private final Clock clock;
  private final ConcurrentHashMap<String, String> idByIdentifier = new ConcurrentHashMap<>();

  /**
   * @param clusterIds a cluster's id from its name or id (a store read); cached here, so each
   *     cluster costs the request path one read per server run
   */
  public AuditLog(LogSink sink, Function<String, Optional<String>> clusterIds, Clock clock) {
    this.sink = sink;
    this.clusterIds = clusterIds;
    this.clock = clock;
  }

  public void record(Call c) {
    // Heartbeats arrive every few seconds from every instance: only failed ones are worth a line.
    if ("Heartbeat".equals(c.operation()) && c.status() == 200) {
      return;
    }
    ObjectNode o = JSON.createObjectNode();
    String stream = stream(c);
    o.put("event_timestamp", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
    o.put("resource_id", stream.equals(LogRecord.SERVER_STREAM) ? null : stream);
    o.put("resource_type", stream.equals(LogRecord.SERVER_STREAM) ? null : "PCS_CLUSTER");
    o.put("request_id", c.requestId());
    o.put("operation", c.operation());
    o.put("principal", c.principal());
    o.put("resource", c.resource());
    o.put("outcome", c.status() == 200 ? "SUCCESS" : c.errorType());
    o.put("http_status", c.status());
    o.put("source_address", c.remote());
    o.put("latency_ms", Math.round(c.nanos() / 10_000.0) / 100.0);
    sink.publish(new LogRecord(stream, LogType.AUDIT, o.toString()));
    if ("DeleteCluster".equals(c.operation()) && c.status() == 200) {
      // Its name may be given to a new cluster with a new id.
      idByIdentifier.values().removeIf(stream::equals);
    }
  }

  private String stream(Call c) {
    // Reading logs is audited server-wide: a `logs --follow` on a cluster's audit log must not
    // feed on its own polls.
    if (c.cluster() == null || "GetLogRecords".equals(c.operation())) {
      return LogRecord.SERVER_STREAM;
    }
    String known = idByIdentifier.get(c.cluster());
    if (known != null) {
      return known;
    }
    Optional<String> id = c.cluster().length() > 100 ? Optional.empty() : resolve(c.cluster());
    if (id.isEmpty()) {
      return LogRecord.SERVER_STREAM;
    }
    if (idByIdentifier.size() >= CACHE_LIMIT) {
      idByIdentifier.clear();
    }
    idByIdentifier.put(c.cluster(), id.get());
    return id.get();
  }

  private Optional<String> resolve(String identifier) {
    try {
      return clusterIds.apply(identifier);
    } catch (RuntimeException e) {
      return Optional.empty(); // the store is down: the record still lands, server-wide
    }
  }
}
