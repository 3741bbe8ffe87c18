package org.openpcs.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpcs.api.PcsJson;
import org.openpcs.api.error.ResourceNotFoundException;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.server.ops.CallContext;
import org.openpcs.store.EventQuery;
import org.openpcs.store.Page;
import org.openpcs.store.StoreTx;

/**
 * {@code OpenPCS.ListEvents} (administrators only; not a PCS operation): the stored events, oldest
 * first, optionally of one cluster and one of its resources, since a time, after a cursor.
 *
 * <p>Request members: {@code clusterIdentifier}, {@code resourceIdentifier} (a node group, queue or
 * the cluster itself, by name or id; needs the cluster), {@code since} (ISO-8601 instant), {@code
 * afterSequence} (the {@code lastSequence} of an earlier answer: what {@code --follow} polls with)
 * and {@code maxResults} (1–1000, default 100). The answer has {@code events}, {@code lastSequence}
 * and {@code more}.
 *
 * <p>Events outlive their resources, so an identifier that names no live resource is still accepted
 * as an id when events carry it (a deleted cluster's history); otherwise it is ResourceNotFound.
 */
public final class ListEventsOp {
  public static final String TARGET = "OpenPCS.ListEvents";
  static final int DEFAULT_MAX = 100;
  static final int MAX = 1000;
  // A list, so that the error message names them in the same order every time.
  private static final List<String> MEMBERS =
      List.of("clusterIdentifier", "resourceIdentifier", "since", "afterSequence", "maxResults");

  public ObjectNode handle(JsonNode body, StoreTx tx, CallContext ctx) {
    Request r = Request.parse(body);
    String clusterId = r.cluster == null ? null : clusterId(tx, r.cluster);
    String resourceId = r.resource == null ? null : resourceId(tx, clusterId, r.resource);
    Page<Event> page =
        tx.events(new EventQuery(clusterId, resourceId, r.since, r.afterSequence, r.maxResults));
    Names names = new Names(tx);
    ObjectNode out = PcsJson.mapper().createObjectNode();
    ArrayNode list = out.putArray("events");
    for (Event e : page.items()) {
      ObjectNode o = list.addObject();
      o.put("time", DateTimeFormatter.ISO_INSTANT.format(e.time()));
      o.put("clusterId", e.clusterId());
      o.put("resourceType", e.resourceKind().arnType);
      o.put("resourceId", e.resourceId());
      names.of(e).ifPresent(n -> o.put("resourceName", n));
      o.put("severity", e.severity().name());
      o.put("reason", e.reason());
      o.put("message", e.message());
    }
    out.put("lastSequence", page.lastSeq());
    out.put("more", page.more());
    return out;
  }

  private static String clusterId(StoreTx tx, String identifier) {
    Optional<Cluster> live = tx.findCluster(identifier);
    if (live.isPresent()) {
      return live.get().id();
    }
    if (hasEvents(tx, identifier, null)) {
      return identifier;
    }
    throw new ResourceNotFoundException(
        "The cluster " + identifier + " does not exist and has no events.",
        identifier,
        ResourceKind.CLUSTER.arnType);
  }

  private static String resourceId(StoreTx tx, String clusterId, String identifier) {
    Optional<String> live =
        tx.findNodeGroup(clusterId, identifier)
            .map(g -> g.id())
            .or(() -> tx.findQueue(clusterId, identifier).map(q -> q.id()))
            .or(
                () ->
                    tx.findCluster(identifier)
                        .filter(c -> c.id().equals(clusterId))
                        .map(Cluster::id));
    if (live.isPresent()) {
      return live.get();
    }
    if (identifier.equals(clusterId) || hasEvents(tx, clusterId, identifier)) {
      return identifier;
    }
    throw new ResourceNotFoundException(
        "The cluster "
            + clusterId
            + " has no compute node group or queue "
            + identifier
            + ", and no events about it.",
        identifier,
        "resource");
  }

  private static boolean hasEvents(StoreTx tx, String clusterId, String resourceId) {
    return !tx.events(new EventQuery(clusterId, resourceId, null, 0, 1)).items().isEmpty();
  }

  /** The validated request; every bad member is reported at once. */
  private record Request(
      String cluster, String resource, Instant since, long afterSequence, int maxResults) {

    static Request parse(JsonNode body) {
      List<Field> problems = new ArrayList<>();
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!MEMBERS.contains(name)) {
          problems.add(new Field(name, "Unknown member; expected one of " + MEMBERS));
        }
      }
      String cluster = text(body, "clusterIdentifier", problems);
      String resource = text(body, "resourceIdentifier", problems);
      if (resource != null && cluster == null && !body.has("clusterIdentifier")) {
        problems.add(
            new Field("resourceIdentifier", "Needs clusterIdentifier: names are per cluster"));
      }
      Instant since = null;
      String sinceText = text(body, "since", problems);
      if (sinceText != null) {
        try {
          since = Instant.parse(sinceText);
        } catch (DateTimeParseException e) {
          problems.add(
              new Field("since", "Must be an ISO-8601 instant such as 2026-01-02T03:04:05Z"));
        }
      }
      long after = number(body, "afterSequence", 0, Long.MAX_VALUE, 0, problems);
      long max = number(body, "maxResults", 1, MAX, DEFAULT_MAX, problems);
      if (!problems.isEmpty()) {
        throw ValidationException.ofFields(problems);
      }
      return new Request(cluster, resource, since, after, (int) max);
    }

    private static String text(JsonNode body, String name, List<Field> problems) {
      JsonNode v = body.get(name);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 256) {
        problems.add(new Field(name, "Must be a non-empty string of at most 256 characters"));
        return null;
      }
      return v.asText();
    }

    private static long number(
        JsonNode body, String name, long min, long max, long fallback, List<Field> problems) {
      JsonNode v = body.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        problems.add(new Field(name, "Must be a whole number from " + min + " to " + max));
        return fallback;
      }
      return v.asLong();
    }
  }

  /** Current names of live resources, read once per cluster per request. */
  private static final class Names {
    private final StoreTx tx;
    private final Map<String, Map<String, String>> byCluster = new HashMap<>();

    Names(StoreTx tx) {
      this.tx = tx;
    }

    Optional<String> of(Event e) {
      return Optional.ofNullable(
          byCluster.computeIfAbsent(e.clusterId(), this::read).get(e.resourceId()));
    }

    private Map<String, String> read(String clusterId) {
      Map<String, String> names = new HashMap<>();
      tx.findCluster(clusterId)
          .ifPresent(
              c -> {
                names.put(c.id(), c.name());
                tx.nodeGroupsOf(c.id()).forEach(g -> names.put(g.id(), g.name()));
                tx.queuesOf(c.id()).forEach(q -> names.put(q.id(), q.name()));
              });
      return names;
    }
  }
}
