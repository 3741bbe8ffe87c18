package org.openpcs.control.slurm;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.slurm.Scontrol;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a job's powered-up nodes for it while {@link PoweredUpJobStarter} requeues and releases it
 * (D52). Slurm finishes the requeue when the nodes' epilogs are done, frees the nodes and runs its
 * scheduler at once, while the job itself waits for its begin time until the release a second
 * later: any other pending job that fits took the nodes booted for this one, and this one waited
 * for that job to end (seen in a replay: an 8-node job waited 153 s instead of 32 s behind a later
 * 8-node job of 111 s). So, when another job waits in one of its partitions, the nodes are drained
 * (reason {@link #REASON_PREFIX}) before the requeue and undrained once it is through, before the
 * release: an undrain starts no scheduling pass, the release does, and Slurm kept the requeued
 * job's priority (both checked on 22.05), so that pass puts the job on them. 22.05 marks an
 * undrained node NOT_RESPONDING until its next ping, which a pass skips; the release waits for it
 * (PoweredUpJobStarter).
 *
 * <p>The nodes being kept are remembered here, so that the lost-node pass, which brings back nodes
 * OpenPCS drained, leaves them alone meanwhile ({@link #keeps}). After a crash nothing is
 * remembered and that pass undrains them: the hold never outlives the server that set it.
 */
public final class StartHolds {
  private static final Logger log = LoggerFactory.getLogger(StartHolds.class);
  static final String REASON_PREFIX = "openpcs: kept for job ";

  /** Cluster directory + "/" + node name, for every node kept right now. */
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  /** Whether the node of the cluster at {@code clusterRoot} is being kept for a starting job. */
  public boolean keeps(Path clusterRoot, String node) {
    return kept.contains(key(clusterRoot, node));
  }

  static String reason(long job) {
    return REASON_PREFIX + job + " while it starts";
  }

  /**
   * Drains the nodes for the job. Returns false (and keeps nothing) when slurmctld refused: the job
   * is then started without the hold, as before it existed.
   */
  boolean keep(SlurmInstallation slurm, ClusterPaths paths, long job, List<String> nodes) {
    nodes.forEach(n -> kept.add(key(paths.root(), n))); // before the drain the lost-node pass sees
    try {
      new Scontrol(slurm, paths).updateNode(Hostlist.compress(nodes), "DRAIN", reason(job));
      return true;
    } catch (RuntimeException e) {
      log.debug("job {}: could not keep {}: {}", job, nodes, e.getMessage());
      forget(paths, nodes);
      return false;
    }
  }

  /**
   * Undrains those of the nodes that still carry this job's hold: an administrator's drain set
   * meanwhile (another reason) stays. Returns the nodes undrained.
   */
  List<String> giveBack(SlurmInstallation slurm, ClusterPaths paths, long job, List<String> nodes) {
    try {
      var scontrol = new Scontrol(slurm, paths);
      List<String> ours = heldFor(scontrol.nodes(), job, nodes);
      if (!ours.isEmpty()) {
        scontrol.updateNode(Hostlist.compress(ours), "UNDRAIN", null);
      }
      return ours;
    } catch (RuntimeException e) {
      // the lost-node pass undrains them once they are forgotten
      log.warn("job {}: could not undrain {}: {}", job, nodes, e.getMessage());
      return List.of();
    } finally {
      forget(paths, nodes);
    }
  }

  /** Pure: of {@code nodes}, those drained with the job's hold as their reason. */
  static List<String> heldFor(List<NodeStatus> slurm, long job, List<String> nodes) {
    Set<String> wanted = Set.copyOf(nodes);
    String reason = reason(job);
    return slurm.stream()
        .filter(n -> wanted.contains(n.name()) && n.has("DRAIN") && n.reason().equals(reason))
        .map(NodeStatus::name)
        .sorted()
        .collect(Collectors.toList());
  }

  private void forget(ClusterPaths paths, List<String> nodes) {
    nodes.forEach(n -> kept.remove(key(paths.root(), n)));
  }

  private static String key(Path clusterRoot, String node) {
    return clusterRoot.toAbsolutePath().normalize() + "/" + node;
  }
}
