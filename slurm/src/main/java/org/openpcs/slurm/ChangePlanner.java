package org.openpcs.slurm;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides how a config change reaches a running slurmctld without losing jobs. Pure: it compares
 * the two renderings, so it sees exactly what Slurm would see.
 *
 * <ul>
 *   <li>{@link ApplyMethod#NONE}: identical files.
 *   <li>{@link ApplyMethod#RESTART}: the node set or a node's resources, address or port changed
 *       (22.05 exits on reconfigure when the node count changes and loses recent state, lab §5;
 *       slurm.conf(5) "NODE CONFIGURATION": node changes need a restart), or a parameter in {@link
 *       RestartOnlyParameters} changed.
 *   <li>{@link ApplyMethod#RECONFIGURE}: everything else, e.g. partitions (added, removed,
 *       drained), node Features and Weight, most parameters, cgroup.conf.
 * </ul>
 *
 * Removing a partition with pending jobs kills them even through reconfigure; callers drain the
 * partition first (state DRAIN) and remove it once it is empty. That is their policy, not ours.
 */
public final class ChangePlanner {
  /** Any fixed name: both sides are rendered with it, so only the inputs are compared. */
  private static final String PLAN_HOST = "controller";

  /** Node attributes 22.05 applies on reconfigure (lab §5: Features); the rest need a restart. */
  private static final Set<String> RECONFIGURABLE_NODE_ATTRS = Set.of("features", "weight");

  private ChangePlanner() {}

  /**
   * @param before what the running slurmctld was started or last reconfigured with; null when
   *     nothing runs yet (then a (re)start is the only way)
   */
  public static ApplyMethod plan(SlurmConfig before, SlurmConfig after) {
    Objects.requireNonNull(after, "after");
    Map<String, String> next = SlurmConfRenderer.render(after, PLAN_HOST);
    if (before == null) {
      return ApplyMethod.RESTART;
    }
    Map<String, String> previous = SlurmConfRenderer.render(before, PLAN_HOST);
    if (previous.equals(next)) {
      return ApplyMethod.NONE;
    }
    String oldConf = previous.get(SlurmConfRenderer.SLURM_CONF);
    String newConf = next.get(SlurmConfRenderer.SLURM_CONF);
    if (!nodeShapes(oldConf).equals(nodeShapes(newConf))) {
      return ApplyMethod.RESTART;
    }
    if (restartParameterChanged(globals(oldConf), globals(newConf))) {
      return ApplyMethod.RESTART;
    }
    return ApplyMethod.RECONFIGURE;
  }

  private static boolean restartParameterChanged(Map<String, String> a, Map<String, String> b) {
    Set<String> keys = new HashSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      if (RestartOnlyParameters.contains(key) && !Objects.equals(a.get(key), b.get(key))) {
        return true;
      }
    }
    return false;
  }

  /** Global {@code Key=Value} lines, keys lower-cased (Slurm keys are case-insensitive). */
  static Map<String, String> globals(String slurmConf) {
    Map<String, String> out = new HashMap<>();
    for (String line : slurmConf.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String key = line.substring(0, eq).toLowerCase(Locale.ROOT);
      if (!key.equals("nodename") && !key.equals("partitionname")) {
        out.put(key, line.substring(eq + 1));
      }
    }
    return out;
  }

  /** Node name → its attributes minus the ones a reconfigure applies (shared lines split). */
  static Map<String, Map<String, String>> nodeShapes(String slurmConf) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String shared : slurmConf.split("\n")) {
      if (!shared.startsWith("NodeName=")) {
        continue;
      }
      for (String line : NodeLineRuns.split(shared)) {
        Map<String, String> attrs = new HashMap<>();
        for (String pair : line.split(" ")) {
          int eq = pair.indexOf('=');
          String key = pair.substring(0, eq).toLowerCase(Locale.ROOT);
          if (!RECONFIGURABLE_NODE_ATTRS.contains(key)) {
            attrs.put(key, pair.substring(eq + 1));
          }
        }
        out.put(attrs.get("nodename"), attrs);
      }
    }
    return out;
  }
}
