package org.openpcs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenPCS's scaling log (JSON lines, PCS's field names) into per-instance billed intervals
 * and per-node step times. An instance is billed from LAUNCHED to TERMINATED, as EC2 bills from
 * launch whether or not the node ever registered.
 */
final class ScalingLogIntervals {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalingLogIntervals() {}

  /** One record: epoch seconds, node, instance, state. */
  record Step(double at, String node, String instanceId, String state, String reason) {}

  static List<Step> parse(List<String> lines) {
    List<Step> steps = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode o = JSON.readTree(line);
        Instant t = Instant.parse(o.path("event_timestamp").asText());
        steps.add(
            new Step(
                t.getEpochSecond() + t.getNano() / 1e9,
                text(o, "node_name"),
                text(o, "instance_id"),
                text(o, "state"),
                text(o, "reason")));
      } catch (Exception e) {
        // a torn last line while the server writes: skip it
      }
    }
    return steps;
  }

  /** Billed intervals, one per launched instance, in launch order. */
  static List<ReplayMetrics.Interval> billed(List<Step> steps) {
    List<ReplayMetrics.Interval> out = new ArrayList<>();
    sinceLaunch(steps, "TERMINATED")
        .forEach(
            (id, t) ->
                out.add(new ReplayMetrics.Interval(id, t[0], Double.isNaN(t[1]) ? null : t[1])));
    return out;
  }

  /** Per instance that got there, seconds from LAUNCHED to ACTIVE (slurmd up), in launch order. */
  static List<Double> bootSeconds(List<Step> steps) {
    List<Double> out = new ArrayList<>();
    for (double[] t : sinceLaunch(steps, "ACTIVE").values()) {
      if (!Double.isNaN(t[1])) {
        out.add(t[1] - t[0]);
      }
    }
    return out;
  }

  /**
   * Instance id → {LAUNCHED time, time of its first {@code state} step after the launch (NaN if
   * none)}, in launch order.
   */
  private static Map<String, double[]> sinceLaunch(List<Step> steps, String state) {
    Map<String, double[]> byInstance = new LinkedHashMap<>();
    for (Step s : steps) {
      if (s.instanceId() == null) {
        continue;
      }
      double[] t = byInstance.get(s.instanceId());
      if ("LAUNCHED".equals(s.state()) && t == null) {
        byInstance.put(s.instanceId(), new double[] {s.at(), Double.NaN});
      } else if (state.equals(s.state()) && t != null && Double.isNaN(t[1])) {
        t[1] = s.at();
      }
    }
    return byInstance;
  }

  /** The first time {@code node} reached {@code state} at or after {@code since}, or null. */
  static Double first(List<Step> steps, String node, String state, double since) {
    for (Step s : steps) {
      if (s.at() >= since && state.equals(s.state()) && node.equals(s.node())) {
        return s.at();
      }
    }
    return null;
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
