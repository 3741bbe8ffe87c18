package org.openpcs.control.slurm;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.NodeStatus;

/**
 * Brings a group's nodes that OpenPCS took out of service back into use, from one read of Slurm's
 * node states: a static node once its new instance runs, a lost dynamic node to the powered-down
 * pool. {@link ClusterNodes} decides when a lost node's hold is over (D33).
 */
final class LostNodes {
  private LostNodes() {}

  /** A node OpenPCS took out of service comes back once a new instance of it runs. */
  static void resumeRecovered(
      ComputeNodeGroup g,
      ClusterRuntime runtime,
      Map<String, NodeStatus> nodes,
      List<NodeInstance> live) {
    live.stream()
        .filter(i -> "RUNNING".equals(i.state()))
        // a node beyond a lowered maximum was drained on purpose
        .filter(i -> NodeNames.indexOf(g, i.nodeName()) > 0)
        .map(NodeInstance::nodeName)
        .forEach(
            name -> {
              var n = nodes.get(name);
              if (n != null && ours(n) && (n.baseState().equals("DOWN") || n.has("DRAIN"))) {
                runtime.nodes().resumeNodeIfOurs(g.clusterId(), name);
              }
            });
  }

  /**
   * A lost dynamic node OpenPCS set DOWN (its instance is gone, none runs for it) goes back to the
   * powered-down pool once no kill from its loss can reach it; the runtime keeps that time (D33).
   */
  static void returnToPool(
      ComputeNodeGroup g,
      ClusterRuntime runtime,
      Map<String, NodeStatus> nodes,
      List<NodeInstance> live) {
    Set<String> withInstance =
        live.stream().map(NodeInstance::nodeName).collect(Collectors.toSet());
    nodes.forEach(
        (name, n) -> {
          int index = NodeNames.indexOf(g, name);
          if (index > 0
              && !NodeNames.isStatic(g, index)
              && !withInstance.contains(name)
              && n.baseState().equals("DOWN")
              // asked already: Slurm shows DOWN until the power-down is through
              && !n.has("POWER_DOWN")
              && !n.has("POWERING_DOWN")
              && !n.has("POWERED_DOWN")
              && ours(n)) {
            runtime.nodes().returnToPool(g.clusterId(), name, n.reason());
          }
        });
  }

  /** Out of service by OpenPCS's own doing (its reasons start so), never an administrator's. */
  private static boolean ours(NodeStatus n) {
    return n.reason().startsWith("openpcs:");
  }
}
