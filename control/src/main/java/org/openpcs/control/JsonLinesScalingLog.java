package org.openpcs.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.function.BiConsumer;

/**
 * Turns scaling steps into JSON records with PCS's vended-log field names ({@code resource_id},
 * {@code event_timestamp}, …) and hands them to the server's log delivery, which writes them to
 * {@code <data-dir>/logs/<cluster-id>/scaling.log} and any other destination. Handing on never
 * blocks: reconcilers call this in the middle of a pass.
 */
public final class JsonLinesScalingLog implements ScalingLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BiConsumer<String, String> out;

  /**
   * @param out receives (cluster id, one JSON object on one line); must not block
   */
  public JsonLinesScalingLog(BiConsumer<String, String> out) {
    this.out = out;
  }

  @Override
  public void record(Entry e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("event_timestamp", DateTimeFormatter.ISO_INSTANT.format(e.timestamp()));
    o.put("resource_id", e.clusterId());
    o.put("resource_type", "PCS_CLUSTER");
    o.put("compute_node_group_id", e.nodeGroupId());
    o.put("compute_node_group_name", e.nodeGroupName());
    o.put("node_name", e.nodeName());
    o.put("instance_id", e.instanceId());
    o.put("instance_type", e.instanceType());
    o.put("state", e.state());
    o.put("reason", e.reason());
    if (e.message() != null) {
      o.put("message", e.message());
    }
    out.accept(e.clusterId(), o.toString());
  }
}
