package org.openpcs.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scaling log as JSON lines, one file per cluster: {@code
 * <dir>/<cluster-id>/scaling.log}. Field names follow PCS's vended logs ({@code resource_id},
 * {@code event_timestamp}, …). A write failure is logged and never stops the caller.
 */
public final class JsonLinesScalingLog implements ScalingLog {
  private static final Logger log = LoggerFactory.getLogger(JsonLinesScalingLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  public JsonLinesScalingLog(Path dir) {
    this.dir = dir;
  }

  public Path file(String clusterId) {
    return dir.resolve(clusterId).resolve("scaling.log");
  }

  @Override
  public synchronized void record(Entry e) {
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
    try {
      Path f = file(e.clusterId());
      Files.createDirectories(f.getParent());
      Files.writeString(
          f,
          o.toString() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException ex) {
      log.warn("could not write the scaling log of {}: {}", e.clusterId(), ex.toString());
    }
  }
}
