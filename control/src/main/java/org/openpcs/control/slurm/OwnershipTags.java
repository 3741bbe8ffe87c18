package org.openpcs.control.slurm;

import java.util.Map;
import org.openpcs.domain.ComputeNodeGroup;

/**
 * Tags every launched instance carries, so the next pass (or the next server) finds what an earlier
 * one started, and so that only instances this control plane owns are ever terminated. The first
 * two are the tags PCS puts on its EC2 instances.
 */
public final class OwnershipTags {
  public static final String CLUSTER = "aws:pcs:cluster-id";
  public static final String GROUP = "aws:pcs:compute-node-group-id";
  public static final String NODE = "openpcs:node-name";
  public static final String BOOTSTRAP = "openpcs:bootstrap-id";

  /**
   * {@code login} or {@code compute}: a group's role changes when queues start or stop using it.
   */
  public static final String ROLE = "openpcs:role";

  private OwnershipTags() {}

  public static Map<String, String> of(
      ComputeNodeGroup g, String nodeName, String bootstrapId, boolean login) {
    return Map.of(
        CLUSTER,
        g.clusterId(),
        GROUP,
        g.id(),
        NODE,
        nodeName,
        BOOTSTRAP,
        bootstrapId,
        ROLE,
        role(login));
  }

  public static String role(boolean login) {
    return login ? "login" : "compute";
  }
}
