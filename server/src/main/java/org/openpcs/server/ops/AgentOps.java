package org.openpcs.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.openpcs.api.PcsJson;
import org.openpcs.api.error.AccessDeniedException;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.ResourceKind;
import org.openpcs.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code OpenPCSAgent.Heartbeat}: not a PCS operation. A registered agent reports its state
 * (BOOTSTRAPPING, RUNNING, BOOTSTRAP_FAILED with a reason, STOPPED) and learns whether to keep
 * going or stop its slurmd. A state change wakes the node group's controller.
 */
public final class AgentOps {
  public static final String TARGET_PREFIX = "OpenPCSAgent.";
  private static final Logger log = LoggerFactory.getLogger(AgentOps.class);
  private static final Set<String> STATES =
      Set.of("BOOTSTRAPPING", "RUNNING", "BOOTSTRAP_FAILED", "STOPPED");
  private final ChangeNotifier notifier;
  private final org.openpcs.control.ScalingLog scaling;
  private final java.time.Clock clock;

  public AgentOps(
      ChangeNotifier notifier, org.openpcs.control.ScalingLog scaling, java.time.Clock clock) {
    this.notifier = notifier;
    this.scaling = scaling;
    this.clock = clock;
  }

  /**
   * A beat that changes nothing is not stored again within this time of the last stored one. Every
   * agent beats once right after its registration, which stored the time a moment before: in a
   * burst of N nodes that was N writes through H2's one-at-a-time write gate (D27) that said
   * nothing new, next to the launches and registrations waiting for the same gate. A lost agent is
   * judged by the stored time (InstanceRepair's heartbeat timeout, 90 s), so at most this much
   * sooner than by the last beat; the agents beat every 10 s, and every such beat is stored.
   */
  static final Duration UNCHANGED_BEAT_KEPT_FOR = Duration.ofSeconds(5);

  public ObjectNode heartbeat(JsonNode body, StoreTx tx, CallContext ctx) {
    List<Field> missing =
        java.util.stream.Stream.of("clusterIdentifier", "bootstrapId", "state")
            .filter(f -> !body.hasNonNull(f) || !body.get(f).isTextual())
            .map(f -> new Field(f, "Member must be a string and must not be null"))
            .toList();
    if (!missing.isEmpty()) {
      throw ValidationException.ofFields(missing);
    }
    String state = body.get("state").asText();
    if (!STATES.contains(state)) {
      throw ValidationException.ofField("state", "Member must satisfy enum value set: " + STATES);
    }
    NodeInstance ni =
        tx.findNodeInstance(body.get("bootstrapId").asText())
            .filter(i -> i.registeredAt() != null)
            .filter(
                i ->
                    tx.findCluster(body.get("clusterIdentifier").asText())
                        .map(c -> c.id().equals(i.clusterId()))
                        .orElse(false))
            .orElseThrow(
                () ->
                    new AccessDeniedException(
                        "This instance is not registered with that cluster."));
    ObjectNode out = PcsJson.mapper().createObjectNode();
    if (!ni.live()) {
      out.put("action", "STOP");
      return out;
    }
    String message = body.hasNonNull("message") ? abbreviate(body.get("message").asText()) : null;
    String next =
        switch (state) {
          case "RUNNING" -> "RUNNING";
          case "BOOTSTRAP_FAILED" -> "BOOTSTRAP_FAILED";
          case "STOPPED" -> "TERMINATED";
          default -> ni.state();
        };
    String nextMessage = message == null ? ni.message() : message;
    if (!next.equals(ni.state())
        || !Objects.equals(nextMessage, ni.message())
        || !storedRecently(ni, ctx.now())) {
      tx.updateNodeInstance(ni.heartbeat(next, nextMessage, ctx.now()));
    }
    if (!next.equals(ni.state()) || (message != null && !message.equals(ni.message()))) {
      log.info(
          "node {} of cluster {}: {} -> {}{}",
          ni.nodeName(),
          ni.clusterId(),
          ni.state(),
          next,
          message == null ? "" : " (" + message + ")");
      ctx.afterCommit(
          () ->
              notifier.changed(ResourceKind.COMPUTE_NODE_GROUP, ni.clusterId(), ni.nodeGroupId()));
      if ("RUNNING".equals(next)) {
        String group =
            tx.findNodeGroup(ni.clusterId(), ni.nodeGroupId()).map(g -> g.name()).orElse(null);
        ctx.afterCommit(
            () ->
                scaling.record(
                    new org.openpcs.control.ScalingLog.Entry(
                        clock.instant(),
                        ni.clusterId(),
                        ni.nodeGroupId(),
                        group,
                        ni.nodeName(),
                        ni.instanceId(),
                        ni.instanceType(),
                        "ACTIVE",
                        "BOOTSTRAP_SUCCESS",
                        null)));
      }
    }
    out.put("action", "CONTINUE");
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }

  private static boolean storedRecently(NodeInstance ni, Instant now) {
    return ni.lastHeartbeatAt() != null
        && ni.lastHeartbeatAt().plus(UNCHANGED_BEAT_KEPT_FOR).isAfter(now);
  }
}
