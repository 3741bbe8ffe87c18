package org.openpcs.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.domain.CustomSetting;

/** Small builders for configs used by the pure tests. */
final class Fixtures {
  static final ClusterPaths PATHS = new ClusterPaths(Path.of("/var/lib/openpcs/clusters/pcs-abc"));

  private Fixtures() {}

  static ControllerConfig controller(List<CustomSetting> custom) {
    return new ControllerConfig(
        "pcs-abc", "127.0.0.1", 17010, 256, 600, 30, null, null, null, null, custom, List.of());
  }

  static ControllerConfig powerSaving() {
    return new ControllerConfig(
        "pcs-abc",
        "127.0.0.1",
        17010,
        256,
        600,
        30,
        PATHS.bin().resolve("resume"),
        PATHS.bin().resolve("suspend"),
        PATHS.bin().resolve("resume-fail"),
        PATHS.bin().resolve("prolog-slurmctld"),
        List.of(),
        List.of());
  }

  static NodeLine staticNode(String name, int port) {
    return new NodeLine(
        name, "127.0.0.1", port, false, 2, 4096, 0, List.of("compute", "t3.medium"), List.of());
  }

  static NodeLine cloudNode(String name, int port) {
    return new NodeLine(
        name, "127.0.0.1", port, true, 2, 4096, 0, List.of("compute", "t3.medium"), List.of());
  }

  static PartitionLine partition(String name, String... nodes) {
    return new PartitionLine(name, List.of(nodes), "UP", List.of());
  }

  static SlurmConfig config() {
    return new SlurmConfig(
        PATHS,
        controller(List.of()),
        List.of(staticNode("compute-1", 17101), cloudNode("compute-2", 17102)),
        List.of(partition("q1", "compute-1", "compute-2")));
  }

  static SlurmConfig withController(SlurmConfig c, ControllerConfig cc) {
    return new SlurmConfig(c.paths(), cc, c.nodes(), c.partitions());
  }

  static SlurmConfig withNodes(SlurmConfig c, List<NodeLine> nodes) {
    return new SlurmConfig(c.paths(), c.controller(), nodes, c.partitions());
  }

  static SlurmConfig withPartitions(SlurmConfig c, List<PartitionLine> partitions) {
    return new SlurmConfig(c.paths(), c.controller(), c.nodes(), partitions);
  }

  static SlurmConfig withCustom(SlurmConfig c, CustomSetting... settings) {
    ControllerConfig cc = c.controller();
    return withController(
        c,
        new ControllerConfig(
            cc.clusterName(),
            cc.controlAddress(),
            cc.slurmctldPort(),
            cc.maxJobCount(),
            cc.suspendTimeSeconds(),
            cc.suspendTimeoutSeconds(),
            cc.resumeProgram(),
            cc.suspendProgram(),
            cc.resumeFailProgram(),
            cc.prologSlurmctld(),
            List.of(settings),
            cc.cgroupCustomSettings()));
  }

  static SlurmConfig replaceNode(SlurmConfig c, NodeLine node) {
    List<NodeLine> nodes = new ArrayList<>();
    for (NodeLine n : c.nodes()) {
      nodes.add(n.name().equals(node.name()) ? node : n);
    }
    return withNodes(c, nodes);
  }

  static CustomSetting setting(String name, String value) {
    return new CustomSetting(name, value);
  }
}
