package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpcs.control.TestResources;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;

/** Which groups (and how many of their nodes) Slurm must still know. */
class RenderedGroupsTest {
  static NodeInstance live(ComputeNodeGroup g, String node) {
    return new NodeInstance(
        "bs-" + node,
        g.clusterId(),
        g.id(),
        node,
        "i-" + node,
        "c5.large",
        "bs-" + node,
        "RUNNING",
        null,
        TestResources.T0,
        TestResources.T0,
        null,
        0);
  }

  static ClusterSnapshot snapshot(
      List<ComputeNodeGroup> groups, List<org.openpcs.domain.Queue> queues, NodeInstance... live) {
    return new ClusterSnapshot(
        TestResources.cluster("pcs_abcdefghij", Size.SMALL, 600), groups, queues, List.of(live));
  }

  @Test
  void aLoweredMaximumStillCoversNodesThatHaveAnInstance() {
    var g = TestResources.group("grp-1", "pcs_abcdefghij", "compute", 0, 2, "c5.large");
    var q = TestResources.queue("q-1", "pcs_abcdefghij", "batch", ResourceStatus.ACTIVE, "grp-1");
    var rendered = snapshot(List.of(g), List.of(q), live(g, "compute-4")).renderedGroups(x -> true);
    assertThat(rendered).hasSize(1);
    assertThat(NodeNames.all(rendered.get(0)))
        .containsExactly("compute-1", "compute-2", "compute-3", "compute-4");
    // without the instance the group is rendered as it is
    assertThat(NodeNames.all(snapshot(List.of(g), List.of(q)).renderedGroups(x -> true).get(0)))
        .containsExactly("compute-1", "compute-2");
  }

  @Test
  void aGroupThatLeftEveryQueueStaysOnlyWhileJobsRunOnIt() {
    var g = TestResources.group("grp-1", "pcs_abcdefghij", "compute", 1, 2, "c5.large");
    var s = snapshot(List.of(g), List.of(), live(g, "compute-1"));
    assertThat(s.renderedGroups(x -> true))
        .extracting(ComputeNodeGroup::id)
        .containsExactly("grp-1");
    assertThat(s.renderedGroups(x -> false)).isEmpty();
    // a login fleet without instances is never asked about
    assertThat(
            snapshot(List.of(g), List.of())
                .renderedGroups(
                    x -> {
                      throw new AssertionError("asked");
                    }))
        .isEmpty();
  }
}
