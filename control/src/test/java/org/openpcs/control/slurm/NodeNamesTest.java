package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpcs.control.TestResources.group;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.ComputeNodeGroup;

class NodeNamesTest {
  private static final ComputeNodeGroup COMPUTE = group("pcs_g1", "pcs_c1", "compute", 2, 5, "t");

  @Test
  void namesAreGroupDashIndexFromOneToMax() {
    assertThat(NodeNames.name(COMPUTE, 3)).isEqualTo("compute-3");
    assertThat(NodeNames.all(COMPUTE))
        .containsExactly("compute-1", "compute-2", "compute-3", "compute-4", "compute-5");
    assertThat(NodeNames.all(group("pcs_g2", "pcs_c1", "none", 0, 0, "t"))).isEmpty();
  }

  @Test
  void theFirstMinNodesAreStatic() {
    assertThat(NodeNames.isStatic(COMPUTE, 1)).isTrue();
    assertThat(NodeNames.isStatic(COMPUTE, 2)).isTrue();
    assertThat(NodeNames.isStatic(COMPUTE, 3)).isFalse();
    assertThat(NodeNames.isStatic(group("pcs_g2", "pcs_c1", "el", 0, 3, "t"), 1)).isFalse();
  }

  @Test
  void indexOfRefusesNamesOfOtherGroupsAndOutOfRangeIndexes() {
    ComputeNodeGroup a = group("pcs_ga", "pcs_c1", "a", 0, 12, "t");
    ComputeNodeGroup a1 = group("pcs_gb", "pcs_c1", "a-1", 0, 3, "t");

    assertThat(NodeNames.indexOf(a, "a-12")).isEqualTo(12);
    assertThat(NodeNames.indexOf(a, "a-13")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a-0")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a--1")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a-")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "ab-1")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a-x")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a, "a-99999999999")).isEqualTo(-1);
    // A group whose name extends another's: each keeps its own nodes.
    assertThat(NodeNames.indexOf(a, "a-1-2")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(a1, "a-1-2")).isEqualTo(2);
    assertThat(NodeNames.indexOf(a1, "a-2")).isEqualTo(-1);
  }

  @Property(tries = 200)
  void indexOfInvertsName(
      @ForAll @IntRange(min = 0, max = 20) int min,
      @ForAll @IntRange(min = 0, max = 20) int extra) {
    ComputeNodeGroup g = group("pcs_g", "pcs_c1", "grp", min, min + extra, "t");
    int i = 1;
    for (String name : NodeNames.all(g)) {
      assertThat(NodeNames.indexOf(g, name)).isEqualTo(i);
      assertThat(NodeNames.name(g, i)).isEqualTo(name);
      assertThat(NodeNames.isStatic(g, i)).isEqualTo(i <= min);
      i++;
    }
    assertThat(i - 1).isEqualTo(min + extra);
    assertThat(NodeNames.indexOf(g, NodeNames.name(g, min + extra + 1))).isEqualTo(-1);
  }

  @Test
  void indexOfAcceptsOnlyTheCanonicalSpelling() {
    assertThat(NodeNames.indexOf(COMPUTE, "compute-01")).isEqualTo(-1);
    assertThat(NodeNames.indexOf(COMPUTE, "compute-+1")).isEqualTo(-1);
  }
}
