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

  public static boolean isStatic(ComputeNodeGroup group, int index) {
    return index <= group.spec().minInstanceCount();
  }

  /** The 1-based index of a node name of this group, or -1. */
  public static int indexOf(ComputeNodeGroup group, String nodeName) {
    String prefix = group.name() + "-";
    if (!nodeName.startsWith(prefix)) {
      return -1;
    }
    try {
      String suffix = nodeName.substring(prefix.length());
      int i = Integer.parseInt(suffix);
      // Only the canonical spelling names a node: "compute-01" or "compute-+1" are not compute-1.
      return i >= 1 && i <= group.spec().maxInstanceCount() && suffix.equals(Integer.toString(i))
          ? i
          : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
