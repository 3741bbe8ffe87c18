package org.openpcs.server.logs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.Hostlist;

/**
 * Which instance served each node of a finished job. Instance records are kept after termination
 * (state TERMINATED), and a node name is reused by later instances, so the instance that served a
 * node is the newest one launched for that name before the job started: a job can only start on a
 * node whose instance already registered.
 */
final class JobNodes {
  /** filetxt times have whole seconds; the job may have started up to a second after its stamp. */
  private static final Duration STAMP_PRECISION = Duration.ofSeconds(1);

  private JobNodes() {}

  static ArrayNode of(String nodeList, Instant started, List<NodeInstance> instances) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    if (nodeList.isEmpty()) {
      return out;
    }
    List<String> names;
    try {
      names = Hostlist.expand(nodeList);
    } catch (RuntimeException e) {
      return out;
    }
    for (String name : names) {
      ObjectNode n = out.addObject();
      n.put("node_name", name);
      Optional<NodeInstance> served = servedBy(name, started, instances);
      n.put("instance_id", served.map(NodeInstance::instanceId).orElse(null));
      n.put("instance_type", served.map(NodeInstance::instanceType).orElse(null));
      n.put("compute_node_group_id", served.map(NodeInstance::nodeGroupId).orElse(null));
    }
    return out;
  }

  static Optional<NodeInstance> servedBy(
      String node, Instant started, List<NodeInstance> instances) {
    Instant latest = started == null ? Instant.MAX : started.plus(STAMP_PRECISION);
    return instances.stream()
        .filter(i -> node.equals(i.nodeName()) && i.instanceId() != null)
        .filter(i -> i.createdAt() != null && !i.createdAt().isAfter(latest))
        .max(Comparator.comparing(NodeInstance::createdAt));
  }
}
