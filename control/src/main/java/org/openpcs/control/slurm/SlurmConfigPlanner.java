package org.openpcs.control.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Queue;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.ControllerConfig;
import org.openpcs.slurm.NodeLine;
import org.openpcs.slurm.PartitionLine;
import org.openpcs.slurm.SlurmConfig;

/**
 * Pure: a cluster, its node groups and queues, the catalog and the layout → the Slurm configuration
 * that should run. Node groups being deleted keep their nodes until their instances are gone;
 * queues being deleted stay as DRAIN partitions until their jobs are gone (removing a partition
 * kills its pending jobs on 22.05).
 */
public final class SlurmConfigPlanner {
  /**
   * The partition a cluster without queues has; never a queue name (those are 3+ letters, no dots).
   */
  public static final String PLACEHOLDER_PARTITION = "openpcs.none";

  /** The node of a cluster without compute nodes; group names cannot contain dots. */
  public static final String PLACEHOLDER_NODE = "openpcs.none";

  private SlurmConfigPlanner() {}

  /**
   * Margin of SuspendTimeout over the provider's release time: the server takes the suspend request
   * from its inbox within 50 ms, and terminating an idle node (slurmd exits on SIGTERM) takes well
   * under a second.
   */
  static final int SUSPEND_MARGIN_SECONDS = 5;

  /**
   * SuspendTimeout for instances that may run on for {@code releaseTime} after their termination
   * returned: a node cannot be resumed while it is powering down, so a longer value only makes a
   * job that arrives just after a scale-down wait (with a fixed 30 s, a job that came 5 s after its
   * nodes were released waited over 30 s for them).
   */
  public static int suspendTimeoutSeconds(Duration releaseTime) {
    long release = releaseTime.toSeconds() + (releaseTime.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE / 2, release + SUSPEND_MARGIN_SECONDS);
  }

  /**
   * How much later than the scale-down idle time Slurm's own power-save pass releases an idle node
   * (D44). The control plane releases it at the idle time (D34) unless a job waiting to be
   * scheduled in its partition may take it the next moment (D38); Slurm's pass is the backstop for
   * when the server is down or a node is not plainly idle. With the two at the same time, Slurm's
   * pass released the fresh nodes of a job lifted out of CONFIGURING (D20) in the two seconds
   * before the job was placed again whenever the idle time was that short, and the job waited for
   * new instances. 10 s covers that gap with room; it is also Slurm's own pass interval when no
   * node changes.
   */
  public static final int BACKSTOP_SECONDS = 10;

  /** The SuspendTime rendered for a scale-down idle time (D44). */
  public static int suspendTimeSeconds(int idleTimeSeconds) {
    return (int) Math.min(Integer.MAX_VALUE, (long) idleTimeSeconds + BACKSTOP_SECONDS);
  }

  /** The scale-down idle time behind a SuspendTime this planner rendered (D44). */
  public static int idleTimeSeconds(int suspendTimeSeconds) {
    return Math.max(1, suspendTimeSeconds - BACKSTOP_SECONDS);
  }

  public static SlurmConfig plan(
      Cluster cluster,
      List<ComputeNodeGroup> groups,
      List<Queue> queues,
      InstanceTypeCatalog catalog,
      ClusterLayout layout,
      ClusterPaths paths,
      boolean powerSaving,
      int suspendTimeoutSeconds) {
    List<ComputeNodeGroup> sorted =
        groups.stream().sorted(Comparator.comparing(ComputeNodeGroup::name)).toList();
    List<NodeLine> nodes = new ArrayList<>();
    for (ComputeNodeGroup g : sorted) {
      InstanceType type = declaredType(g, catalog);
      for (int i = 1; i <= g.spec().maxInstanceCount(); i++) {
        String name = NodeNames.name(g, i);
        Integer port = layout.nodePorts().get(name);
        if (port == null) {
          throw new IllegalStateException("no port allocated for node " + name);
        }
        nodes.add(
            new NodeLine(
                name,
                layout.controlAddress(),
                port,
                !NodeNames.isStatic(g, i),
                type.vcpus(),
                type.memoryMiB(),
                type.gpus(),
                List.of(g.name(), type.name()),
                g.spec().slurmCustomSettings()));
      }
    }
    if (nodes.isEmpty()) {
      // Nor without a node ("no nodes configured"): a cluster without compute nodes gets one
      // powered-down cloud node in no partition, which no job can use and nothing starts.
      nodes.add(
          new NodeLine(
              PLACEHOLDER_NODE,
              layout.controlAddress(),
              layout.nodePorts().get(PLACEHOLDER_NODE),
              true,
              1,
              1,
              0,
              List.of("openpcs-placeholder"),
              List.of()));
    }
    List<PartitionLine> partitions = new ArrayList<>();
    for (Queue q : queues.stream().sorted(Comparator.comparing(Queue::name)).toList()) {
      List<String> members = new ArrayList<>();
      for (ComputeNodeGroup g : sorted) {
        if (q.spec().computeNodeGroupIds().contains(g.id())) {
          members.addAll(NodeNames.all(g));
        }
      }
      String state = q.status() == ResourceStatus.DELETING ? "DRAIN" : "UP";
      partitions.add(new PartitionLine(q.name(), members, state, q.spec().slurmCustomSettings()));
    }
    if (partitions.isEmpty()) {
      // slurmctld 22.05 will not start without a partition ("No PartitionName information
      // available"): a cluster without queues gets a hidden one that accepts no jobs.
      partitions.add(
          new PartitionLine(
              PLACEHOLDER_PARTITION,
              List.of(),
              "INACTIVE",
              List.of(new org.openpcs.domain.CustomSetting("Hidden", "YES"))));
    }
    Path bin = paths.bin();
    ControllerConfig controller =
        new ControllerConfig(
            cluster.id().toLowerCase(Locale.ROOT),
            layout.controlAddress(),
            layout.slurmctldPort(),
            cluster.spec().size().maxJobs,
            suspendTimeSeconds(cluster.spec().slurm().scaleDownIdleTimeInSeconds()),
            suspendTimeoutSeconds,
            powerSaving ? bin.resolve(PowerPrograms.RESUME) : null,
            powerSaving ? bin.resolve(PowerPrograms.SUSPEND) : null,
            powerSaving ? bin.resolve(PowerPrograms.RESUME_FAIL) : null,
            powerSaving ? StartGates.program(paths) : null,
            cluster.spec().slurm().slurmCustomSettings(),
            cluster.spec().slurm().cgroupCustomSettings());
    return new SlurmConfig(paths, controller, nodes, partitions);
  }

  /**
   * Every node of a group is declared with the resources of the group's first instance type, the
   * preferred one; the API only accepts groups whose types have the same vCPUs, so a fallback type
   * never leaves a node smaller than Slurm believes in CPUs.
   */
  static InstanceType declaredType(ComputeNodeGroup g, InstanceTypeCatalog catalog) {
    String first = g.spec().instanceTypes().get(0);
    InstanceType preferred =
        catalog
            .find(first)
            .orElseThrow(
                () ->
                    new IllegalStateException("instance type " + first + " is not in the catalog"));
    long memory = preferred.memoryMiB();
    for (String t : g.spec().instanceTypes()) {
      memory = Math.min(memory, catalog.find(t).map(InstanceType::memoryMiB).orElse(memory));
    }
    return new InstanceType(
        preferred.name(),
        preferred.vcpus(),
        memory,
        preferred.gpus(),
        preferred.gpuModel(),
        preferred.onDemandPerHour(),
        preferred.spotPerHour());
  }
}
