package org.openpcs.control.slurm;

import java.util.ArrayList;
import java.util.List;
import org.openpcs.domain.ComputeNodeGroup;

/**
 * The fixed node naming of ARCHITECTURE.md: group {@code compute} with min m and max M has nodes
 * {@code compute-1 … compute-M}; {@code compute-1 … compute-m} are static, the rest are cloud
 * nodes.
 */
public final class NodeNames {
  private NodeNames() {}

  public static String name(ComputeNodeGroup group, int index) {
    return group.name() + "-" + index;
  }

  public static List<String> all(ComputeNodeGroup group) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= group.spec().maxInstanceCount(); i++) {
      names.add(name(group, i));
    }
    return names;
  }

  /**
   * The group as Slurm must still know it: a maximum that was lowered under live instances is kept
   * up to the highest of them until they are gone, so that a node is never dropped from Slurm while
   * its instance (and perhaps a job) is still there.
   */
  public static ComputeNodeGroup coveringInstances(
      ComputeNodeGroup group, java.util.Collection<String> liveNodeNames) {
    int highest = liveNodeNames.stream().mapToInt(n -> anyIndexOf(group, n)).max().orElse(0);
    var s = group.spec();
    if (highest <= s.maxInstanceCount()) {
      return group;
    }
    return new ComputeNodeGroup(
        group.id(),
        group.clusterId(),
        group.name(),
        new org.openpcs.domain.NodeGroupSpec(
            s.amiId(),
            s.subnetIds(),
            s.purchaseOption(),
            s.customLaunchTemplate(),
            s.iamInstanceProfileArn(),
            s.minInstanceCount(),
            highest,
            s.instanceTypes(),
            s.spotAllocationStrategy(),
            s.slurmCustomSettings()),
        group.status(),
        group.errorInfo(),
        group.generation(),
        group.observedGeneration(),
        group.version(),
        group.createdAt(),
        group.modifiedAt());
  }

  public static boolean isStatic(ComputeNodeGroup group, int index) {
    return index <= group.spec().minInstanceCount();
  }

  /** The 1-based index of a node name of this group, or -1. */
  public static int indexOf(ComputeNodeGroup group, String nodeName) {
    int i = anyIndexOf(group, nodeName);
    return i <= group.spec().maxInstanceCount() ? i : -1;
  }

  /**
   * The index of a node name of this group even when it lies beyond the group's (lowered) maximum,
   * or -1.
   */
  public static int anyIndexOf(ComputeNodeGroup group, String nodeName) {
    String prefix = group.name() + "-";
    if (!nodeName.startsWith(prefix)) {
      return -1;
    }
    try {
      String suffix = nodeName.substring(prefix.length());
      int i = Integer.parseInt(suffix);
      // Only the canonical spelling names a node: "compute-01" or "compute-+1" are not compute-1.
      return i >= 1 && suffix.equals(Integer.toString(i)) ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
