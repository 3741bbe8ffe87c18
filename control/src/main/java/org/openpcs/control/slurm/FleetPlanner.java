package org.openpcs.control.slurm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Pure: what one node group needs beyond the repairs of single instances — static nodes to launch,
 * and nodes left beyond a lowered maximum to give up. A node beyond the maximum is never terminated
 * while a job runs on it: its running jobs are requeued first (the only case besides group deletion
 * where OpenPCS takes a node away from a job, because the user asked for fewer nodes), a job that
 * is still completing is waited for, and when Slurm's view cannot be read nothing is terminated.
 */
final class FleetPlanner {
  private FleetPlanner() {}

  /**
   * One node that has a live instance.
   *
   * @param index the node's number in its group (may exceed the current maximum)
   * @param runningJobs jobs running (or configuring, suspended) on it
   * @param completing a job is still completing on it
   */
  record Node(String name, int index, List<Long> runningJobs, boolean completing) {
    boolean busy() {
      return !runningJobs.isEmpty() || completing;
    }
  }

  /**
   * The group as it is now.
   *
   * @param nameOf the node name for an index
   * @param withInstance nodes that have a live instance
   * @param slurmKnown whether Slurm's jobs could be read; when not, {@code withInstance} carries no
   *     jobs and nothing is given up
   * @param waiting nodes whose next launch is held back (bootstrap back-off)
   */
  record View(
      int min,
      int max,
      IntFunction<String> nameOf,
      Map<String, Node> withInstance,
      boolean slurmKnown,
      Set<String> waiting) {}

  /**
   * What to do, in this order: requeue, then terminate (only idle nodes), then launch.
   *
   * @param requeue per node beyond the maximum, the running jobs to requeue before it goes
   */
  record Plan(List<String> launch, Map<String, List<Long>> requeue, List<String> terminate) {
    boolean isEmpty() {
      return launch.isEmpty() && requeue.isEmpty() && terminate.isEmpty();
    }
  }

  static Plan plan(View v) {
    List<String> launch = new ArrayList<>();
    for (int i = 1; i <= Math.min(v.min(), v.max()); i++) {
      String name = v.nameOf().apply(i);
      if (!v.withInstance().containsKey(name) && !v.waiting().contains(name)) {
        launch.add(name);
      }
    }
    Map<String, List<Long>> requeue = new LinkedHashMap<>();
    List<String> terminate = new ArrayList<>();
    if (v.slurmKnown()) {
      v.withInstance().values().stream()
          .filter(n -> n.index() > v.max())
          .sorted(java.util.Comparator.comparingInt(Node::index))
          .forEach(
              n -> {
                if (!n.runningJobs().isEmpty()) {
                  requeue.put(n.name(), List.copyOf(n.runningJobs()));
                } else if (!n.completing()) {
                  terminate.add(n.name());
                }
              });
    }
    return new Plan(List.copyOf(launch), Map.copyOf(requeue), List.copyOf(terminate));
  }
}
