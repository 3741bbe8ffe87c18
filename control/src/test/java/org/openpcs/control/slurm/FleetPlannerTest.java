package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The fleet planner's promises, over random groups: never above max once settled, never a busy node
 * terminated, jobs requeued only when the maximum was lowered, and planning again on the result of
 * a plan gives nothing new to do.
 */
class FleetPlannerTest {

  /** A random group state: min ≤ max, instances on random indexes (some beyond max), jobs. */
  record Case(FleetPlanner.View view) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Integer> max = Arbitraries.integers().between(0, 8);
    Arbitrary<Integer> minPart = Arbitraries.integers().between(0, 8);
    Arbitrary<List<Integer>> indexes =
        Arbitraries.integers().between(1, 14).list().uniqueElements().ofMaxSize(14);
    Arbitrary<List<Integer>> jobCounts = Arbitraries.integers().between(0, 2).list().ofSize(14);
    Arbitrary<List<Boolean>> completing = Arbitraries.of(true, false).list().ofSize(14);
    Arbitrary<Set<Integer>> waiting = Arbitraries.integers().between(1, 8).set().ofMaxSize(3);
    Arbitrary<Boolean> known =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, Arbitraries.just(true)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(false)));
    return Combinators.combine(max, minPart, indexes, jobCounts, completing, waiting, known)
        .as(
            (mx, mn, idx, jobs, comp, wait, k) -> {
              int min = Math.min(mn, mx);
              Map<String, FleetPlanner.Node> nodes = new HashMap<>();
              long nextJob = 1;
              for (int i = 0; i < idx.size(); i++) {
                int index = idx.get(i);
                List<Long> running = new java.util.ArrayList<>();
                for (int j = 0; j < (k ? jobs.get(i) : 0); j++) {
                  running.add(nextJob++);
                }
                nodes.put(
                    name(index),
                    new FleetPlanner.Node(name(index), index, running, k && comp.get(i)));
              }
              Set<String> waiting2 = new HashSet<>();
              wait.forEach(w -> waiting2.add(name(w)));
              return new Case(
                  new FleetPlanner.View(
                      min, mx, FleetPlannerTest::name, nodes, k, Set.copyOf(waiting2)));
            });
  }

  static String name(int i) {
    return "compute-" + i;
  }

  @Property
  void neverTerminatesABusyNode(@ForAll("cases") Case c) {
    var plan = FleetPlanner.plan(c.view());
    for (String node : plan.terminate()) {
      assertThat(c.view().withInstance().get(node).busy()).as(node).isFalse();
    }
  }

  @Property
  void requeuesAndTerminatesOnlyBeyondTheMaximum(@ForAll("cases") Case c) {
    var plan = FleetPlanner.plan(c.view());
    for (String node : plan.terminate()) {
      assertThat(c.view().withInstance().get(node).index()).isGreaterThan(c.view().max());
    }
    plan.requeue()
        .forEach(
            (node, jobs) -> {
              var n = c.view().withInstance().get(node);
              assertThat(n.index()).isGreaterThan(c.view().max());
              assertThat(jobs).containsExactlyInAnyOrderElementsOf(n.runningJobs());
            });
  }

  @Property
  void failsClosedWhenSlurmCannotBeRead(@ForAll("cases") Case c) {
    var v = c.view();
    var blind =
        new FleetPlanner.View(v.min(), v.max(), v.nameOf(), v.withInstance(), false, v.waiting());
    var plan = FleetPlanner.plan(blind);
    assertThat(plan.terminate()).isEmpty();
    assertThat(plan.requeue()).isEmpty();
  }

  @Property
  void launchesStayWithinMinAndSkipBackedOrWaitingNodes(@ForAll("cases") Case c) {
    var plan = FleetPlanner.plan(c.view());
    for (String node : plan.launch()) {
      int index = Integer.parseInt(node.substring("compute-".length()));
      assertThat(index).isBetween(1, c.view().min());
      assertThat(c.view().withInstance()).doesNotContainKey(node);
      assertThat(c.view().waiting()).doesNotContain(node);
    }
  }

  /**
   * Applies plans (Slurm finishing each requeue and each completing job in between) until nothing
   * is left to do: it settles within three rounds, at or below max, and the settled plan is empty.
   */
  @Property
  void settlesAtOrBelowMaxAndThenPlansNothing(@ForAll("cases") Case c) {
    FleetPlanner.View v = c.view();
    if (!v.slurmKnown()) {
      return;
    }
    for (int round = 0; round < 3; round++) {
      v = apply(v, FleetPlanner.plan(v));
    }
    var last = FleetPlanner.plan(v);
    assertThat(last.isEmpty()).as("plan after settling: %s", last).isTrue();
    assertThat(v.withInstance()).hasSizeLessThanOrEqualTo(v.max());
  }

  @Property
  void planningTheResultOfAPlanAddsNoLaunch(@ForAll("cases") Case c) {
    var once = apply(c.view(), FleetPlanner.plan(c.view()));
    assertThat(FleetPlanner.plan(once).launch()).isEmpty();
  }

  /**
   * The world after a plan: launches backed, requeued jobs gone, completions done, terminations.
   */
  static FleetPlanner.View apply(FleetPlanner.View v, FleetPlanner.Plan p) {
    Map<String, FleetPlanner.Node> next = new HashMap<>();
    v.withInstance()
        .forEach(
            (name, n) -> {
              if (p.terminate().contains(name)) {
                return;
              }
              boolean requeued = p.requeue().containsKey(name);
              // Slurm finishes requeues and completions between two passes.
              next.put(
                  name,
                  new FleetPlanner.Node(
                      name, n.index(), requeued ? List.of() : n.runningJobs(), false));
            });
    for (String name : p.launch()) {
      int index = Integer.parseInt(name.substring("compute-".length()));
      next.put(name, new FleetPlanner.Node(name, index, List.of(), false));
    }
    return new FleetPlanner.View(v.min(), v.max(), v.nameOf(), next, v.slurmKnown(), v.waiting());
  }

  @Test
  void loweringMaxUnderARunningJobRequeuesItFirstAndTerminatesOnlyOnceTheNodeIsFree() {
    Map<String, FleetPlanner.Node> nodes =
        Map.of(
            "compute-1", new FleetPlanner.Node("compute-1", 1, List.of(7L), false),
            "compute-2", new FleetPlanner.Node("compute-2", 2, List.of(8L), false),
            "compute-3", new FleetPlanner.Node("compute-3", 3, List.of(), true));
    var v = new FleetPlanner.View(0, 1, FleetPlannerTest::name, nodes, true, Set.of());
    var plan = FleetPlanner.plan(v);
    assertThat(plan.requeue()).isEqualTo(Map.of("compute-2", List.of(8L)));
    assertThat(plan.terminate()).isEmpty(); // compute-3 is still completing a job
    assertThat(plan.launch()).isEmpty();

    var after =
        new FleetPlanner.View(
            0,
            1,
            FleetPlannerTest::name,
            Map.of(
                "compute-1", nodes.get("compute-1"),
                "compute-2", new FleetPlanner.Node("compute-2", 2, List.of(), false),
                "compute-3", new FleetPlanner.Node("compute-3", 3, List.of(), false)),
            true,
            Set.of());
    assertThat(FleetPlanner.plan(after).terminate())
        .containsExactlyInAnyOrder("compute-2", "compute-3");
    assertThat(FleetPlanner.plan(after).requeue()).isEmpty();
  }

  @Test
  void staticNodesAreLaunchedUnlessBackedOffAndNeverBeyondMax() {
    var v =
        new FleetPlanner.View(
            3,
            3,
            FleetPlannerTest::name,
            Map.of("compute-2", new FleetPlanner.Node("compute-2", 2, List.of(), false)),
            true,
            Set.of("compute-3"));
    assertThat(FleetPlanner.plan(v).launch()).containsExactly("compute-1");
  }
}
