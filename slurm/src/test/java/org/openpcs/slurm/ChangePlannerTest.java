package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpcs.slurm.Fixtures.cloudNode;
import static org.openpcs.slurm.Fixtures.config;
import static org.openpcs.slurm.Fixtures.partition;
import static org.openpcs.slurm.Fixtures.setting;
import static org.openpcs.slurm.Fixtures.staticNode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpcs.domain.CustomSetting;

class ChangePlannerTest {
  private static final SlurmConfig BASE = config();

  private static ApplyMethod plan(SlurmConfig after) {
    return ChangePlanner.plan(BASE, after);
  }

  private static SlurmConfig withNode(NodeLine node) {
    return Fixtures.replaceNode(BASE, node);
  }

  @Test
  void identicalConfigsNeedNothing() {
    assertThat(plan(config())).isEqualTo(ApplyMethod.NONE);
  }

  @Test
  void nothingRunningYetMeansAStart() {
    assertThat(ChangePlanner.plan(null, BASE)).isEqualTo(ApplyMethod.RESTART);
  }

  @Test
  void partitionChangesAreReconfigured() {
    List<PartitionLine> added = new ArrayList<>(BASE.partitions());
    added.add(partition("q2", "compute-2"));
    assertThat(plan(Fixtures.withPartitions(BASE, added))).isEqualTo(ApplyMethod.RECONFIGURE);
    assertThat(plan(Fixtures.withPartitions(BASE, List.of()))).isEqualTo(ApplyMethod.RECONFIGURE);
    assertThat(
            plan(
                Fixtures.withPartitions(
                    BASE,
                    List.of(
                        new PartitionLine(
                            "q1", List.of("compute-1", "compute-2"), "DRAIN", List.of())))))
        .isEqualTo(ApplyMethod.RECONFIGURE);
    assertThat(plan(Fixtures.withPartitions(BASE, List.of(partition("q1", "compute-1")))))
        .isEqualTo(ApplyMethod.RECONFIGURE);
    assertThat(
            plan(
                Fixtures.withPartitions(
                    BASE,
                    List.of(
                        new PartitionLine(
                            "q1",
                            List.of("compute-1", "compute-2"),
                            "UP",
                            List.of(setting("MaxTime", "60")))))))
        .isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @Test
  void addingOrRemovingANodeNeedsARestart() {
    List<NodeLine> more = new ArrayList<>(BASE.nodes());
    more.add(cloudNode("compute-3", 17103));
    assertThat(plan(Fixtures.withNodes(BASE, more))).isEqualTo(ApplyMethod.RESTART);
    SlurmConfig fewer =
        Fixtures.withPartitions(
            Fixtures.withNodes(BASE, List.of(staticNode("compute-1", 17101))),
            List.of(partition("q1", "compute-1")));
    assertThat(plan(fewer)).isEqualTo(ApplyMethod.RESTART);
  }

  private static NodeLine withFeatures(NodeLine n, String... features) {
    return relabelled(n, List.of(features), n.settings());
  }

  /** The node with other features and settings: what a reconfigure can apply. */
  private static NodeLine relabelled(
      NodeLine n, List<String> features, List<CustomSetting> settings) {
    return new NodeLine(
        n.name(),
        n.address(),
        n.port(),
        n.cloud(),
        n.cpus(),
        n.realMemoryMiB(),
        n.gpus(),
        features,
        settings);
  }

  private static SlurmConfig wide(List<NodeLine> nodes) {
    return Fixtures.withPartitions(
        Fixtures.withNodes(BASE, nodes), List.of(partition("q1", "wide-1")));
  }

  @Test
  void aGroupOnOneSharedLineIsComparedNodeByNode() {
    List<NodeLine> group = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      group.add(cloudNode("wide-" + i, 18000 + i));
    }
    SlurmConfig before = wide(group);
    assertThat(SlurmConfRenderer.render(before, "vm").get(SlurmConfRenderer.SLURM_CONF))
        .contains("NodeName=wide-[1-100] ")
        .contains(" Port=[18001-18100] ");
    assertThat(
            ChangePlanner.nodeShapes(
                SlurmConfRenderer.render(before, "vm").get(SlurmConfRenderer.SLURM_CONF)))
        .hasSize(100)
        .containsKey("wide-57");

    List<NodeLine> grown = new ArrayList<>(group);
    grown.add(cloudNode("wide-101", 18101));
    assertThat(ChangePlanner.plan(before, wide(grown))).isEqualTo(ApplyMethod.RESTART);

    List<NodeLine> moved = new ArrayList<>(group);
    moved.set(99, cloudNode("wide-100", 18200)); // the last node's port: the line splits in two
    assertThat(ChangePlanner.plan(before, wide(moved))).isEqualTo(ApplyMethod.RESTART);

    List<NodeLine> relabelled = group.stream().map(n -> withFeatures(n, "other")).toList();
    assertThat(ChangePlanner.plan(before, wide(relabelled))).isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @Test
  void nodeAddressPortResourcesAndCloudnessNeedARestart() {
    NodeLine n = BASE.nodes().get(1);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        "10.0.0.2",
                        n.port(),
                        n.cloud(),
                        n.cpus(),
                        n.realMemoryMiB(),
                        n.gpus(),
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        n.address(),
                        17999,
                        n.cloud(),
                        n.cpus(),
                        n.realMemoryMiB(),
                        n.gpus(),
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        n.address(),
                        n.port(),
                        false,
                        n.cpus(),
                        n.realMemoryMiB(),
                        n.gpus(),
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        n.address(),
                        n.port(),
                        n.cloud(),
                        4,
                        n.realMemoryMiB(),
                        n.gpus(),
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        n.address(),
                        n.port(),
                        n.cloud(),
                        n.cpus(),
                        8192,
                        n.gpus(),
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
    assertThat(
            plan(
                withNode(
                    new NodeLine(
                        n.name(),
                        n.address(),
                        n.port(),
                        n.cloud(),
                        n.cpus(),
                        n.realMemoryMiB(),
                        1,
                        n.features(),
                        n.settings()))))
        .isEqualTo(ApplyMethod.RESTART);
  }

  @Test
  void nodeFeaturesAndWeightAreReconfigured() {
    NodeLine n = BASE.nodes().get(1);
    assertThat(plan(withNode(withFeatures(n, "other")))).isEqualTo(ApplyMethod.RECONFIGURE);
    assertThat(plan(withNode(relabelled(n, n.features(), List.of(setting("Weight", "10"))))))
        .isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "MinJobAge=30",
        "SchedulerParameters=bf_interval=60",
        "PreemptType=preempt/qos",
        "SrunPortRange=60001-63000",
        "PrologFlags=Alloc"
      })
  void ordinaryParametersAreReconfigured(String kv) {
    String[] p = kv.split("=", 2);
    assertThat(plan(Fixtures.withCustom(BASE, setting(p[0], p[1]))))
        .isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SelectTypeParameters=CR_Core_Memory",
        "AuthAltTypes=auth/jwt",
        "AuthAltParameters=jwt_key=/k",
        "AccountingStorageEnforce=limits",
        "AccountingStorageType=accounting_storage/slurmdbd",
        "MaxNodeCount=100",
        "SchedulerType=sched/builtin",
        "ProctrackType=proctrack/pgid",
        "JobContainerType=job_container/tmpfs",
        "SwitchType=switch/none"
      })
  void restartOnlyParametersNeedARestartWhenAddedOrRemoved(String kv) {
    String[] p = kv.split("=", 2);
    SlurmConfig with = Fixtures.withCustom(BASE, setting(p[0], p[1]));

    assertThat(plan(with)).isEqualTo(ApplyMethod.RESTART);
    assertThat(ChangePlanner.plan(with, BASE)).isEqualTo(ApplyMethod.RESTART);
  }

  @Test
  void clusterSizeAndPortNeedARestart() {
    ControllerConfig cc = BASE.controller();
    ControllerConfig bigger =
        new ControllerConfig(
            cc.clusterName(),
            cc.controlAddress(),
            cc.slurmctldPort(),
            8192,
            cc.suspendTimeSeconds(),
            cc.suspendTimeoutSeconds(),
            null,
            null,
            null,
            null,
            List.of(),
            List.of());
    ControllerConfig otherPort =
        new ControllerConfig(
            cc.clusterName(),
            cc.controlAddress(),
            17011,
            cc.maxJobCount(),
            cc.suspendTimeSeconds(),
            cc.suspendTimeoutSeconds(),
            null,
            null,
            null,
            null,
            List.of(),
            List.of());

    assertThat(plan(Fixtures.withController(BASE, bigger))).isEqualTo(ApplyMethod.RESTART);
    assertThat(plan(Fixtures.withController(BASE, otherPort))).isEqualTo(ApplyMethod.RESTART);
  }

  @Test
  void powerSavingNeedsARestartForItsStartGateAndTheIdleTimeIsReconfigured() {
    SlurmConfig saving = Fixtures.withController(BASE, Fixtures.powerSaving());
    ControllerConfig ps = Fixtures.powerSaving();
    ControllerConfig longer =
        new ControllerConfig(
            ps.clusterName(),
            ps.controlAddress(),
            ps.slurmctldPort(),
            ps.maxJobCount(),
            1200,
            30,
            ps.resumeProgram(),
            ps.suspendProgram(),
            ps.resumeFailProgram(),
            ps.prologSlurmctld(),
            List.of(),
            List.of());

    // 22.05 reads PrologSlurmctld only at start; a group beyond its minimum adds nodes anyway,
    // which restarts slurmctld too.
    assertThat(plan(saving)).isEqualTo(ApplyMethod.RESTART);
    assertThat(ChangePlanner.plan(saving, Fixtures.withController(BASE, longer)))
        .isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @Test
  void cgroupSettingsAreReconfigured() {
    ControllerConfig cc = BASE.controller();
    ControllerConfig cgroup =
        new ControllerConfig(
            cc.clusterName(),
            cc.controlAddress(),
            cc.slurmctldPort(),
            cc.maxJobCount(),
            cc.suspendTimeSeconds(),
            cc.suspendTimeoutSeconds(),
            null,
            null,
            null,
            null,
            List.of(),
            List.of(setting("ConstrainCores", "yes")));

    assertThat(plan(Fixtures.withController(BASE, cgroup))).isEqualTo(ApplyMethod.RECONFIGURE);
  }

  @Test
  void planningTheResultAgainIsEmpty() {
    List<NodeLine> more = new ArrayList<>(BASE.nodes());
    more.add(cloudNode("compute-3", 17103));
    SlurmConfig after = Fixtures.withNodes(BASE, more);

    assertThat(ChangePlanner.plan(after, after)).isEqualTo(ApplyMethod.NONE);
  }
}
