package org.openpcs.control.slurm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.openpcs.control.ScalingLog;
import org.openpcs.slurm.ClusterPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a node's ACTIVE step is recorded — its agent reported slurmd up — asks {@link
 * PoweredUpJobStarter} to start the cluster's ready CONFIGURING jobs now rather than at Slurm
 * 22.05's 30 s pass (by opening their start gates; with {@code --start-powered-up-jobs} also by
 * requeueing the jobs without one). slurmctld may hear from slurmd a moment after the agent does,
 * so the cluster is looked at every 100 ms until {@link #WINDOW} after its latest ACTIVE step. The
 * work runs on one virtual thread per cluster; recording never waits.
 *
 * <p>The nodes whose latest step is ACTIVE are remembered per cluster and handed to the starter,
 * which reads Slurm's node states only once a waiting job has all its nodes among them: during a
 * burst of 1,000 nodes the cluster is looked at for over a minute, and reading every node's state
 * ten times a second took a large share of two cores (slurmctld packing, scontrol, parsing). Nodes
 * that came up before this server started are in no step, so every {@link #ASK_ANYWAY_EVERY}th look
 * asks Slurm regardless. Between those, Slurm's jobs are read again only when the last read's
 * waiting jobs or the nodes reported up since say a job may be ready ({@link
 * PoweredUpJobStarter#worthReadingJobs}).
 */
public final class StartJobsOnActive implements ScalingLog {
  private static final Logger log = LoggerFactory.getLogger(StartJobsOnActive.class);
  static final Duration WINDOW = Duration.ofSeconds(5);
  private static final long PERIOD_MS = 100;
  static final int ASK_ANYWAY_EVERY = 20;

  /** Steps after which a node's instance is no longer up. */
  private static final Set<String> GONE = Set.of("TERMINATED", "LAUNCH_FAILED");

  private final ScalingLog delegate;
  private final Function<String, ClusterPaths> paths;
  private final Starter starter;

  /** Cluster id → the nanoTime until which it is looked at; present while a worker runs. */
  private final Map<String, Long> until = new ConcurrentHashMap<>();

  /** Cluster id → nodes whose latest recorded step is ACTIVE. */
  private final Map<String, Set<String>> reportedUp = new ConcurrentHashMap<>();

  /** What is done for a cluster (PoweredUpJobStarter::startReady; a fake in tests). */
  @FunctionalInterface
  public interface Starter {
    PoweredUpJobStarter.Look startReady(
        ClusterPaths paths, Set<String> reportedUp, boolean askAnyway);
  }

  public StartJobsOnActive(
      ScalingLog delegate, Starter starter, Function<String, ClusterPaths> paths) {
    this.delegate = delegate;
    this.starter = starter;
    this.paths = paths;
  }

  @Override
  public void record(Entry entry) {
    delegate.record(entry);
    if (entry.clusterId() == null) {
      return;
    }
    String cluster = entry.clusterId();
    String node = entry.nodeName();
    if (node != null && "ACTIVE".equals(entry.state())) {
      reportedUp.compute(
          cluster,
          (c, up) -> {
            Set<String> s = up == null ? ConcurrentHashMap.newKeySet() : up;
            s.add(node);
            return s;
          });
    } else if (node != null && GONE.contains(entry.state())) {
      // Only an end removes a node: a LAUNCHED step is recorded after the launch returns and may
      // come after its own instance's ACTIVE. A replaced node stays listed until its old instance
      // is recorded TERMINATED; the list only decides whether Slurm is asked, never a start.
      reportedUp.computeIfPresent(
          cluster,
          (c, up) -> {
            up.remove(node);
            return up.isEmpty() ? null : up; // no entry left behind for a deleted cluster
          });
    }
    if ("ACTIVE".equals(entry.state())) {
      if (until.put(cluster, System.nanoTime() + WINDOW.toNanos()) == null) {
        Thread.ofVirtual().name("start-jobs-" + cluster).start(() -> work(cluster));
      }
    }
  }

  private void work(String cluster) {
    // What the last read of Slurm's jobs found waiting, and the nodes reported up then: between
    // reads that could change nothing (PoweredUpJobStarter.worthReadingJobs) Slurm is not asked.
    Map<Long, List<String>> waiting = null;
    Set<String> upAtRead = Set.of();
    for (int look = 0; ; look++) {
      Long deadline = until.get(cluster);
      if (deadline == null) {
        return;
      }
      if (System.nanoTime() > deadline) {
        // A new ACTIVE step that moved the deadline keeps this worker going.
        if (until.remove(cluster, deadline)) {
          return;
        }
        continue;
      }
      Set<String> up = Set.copyOf(reportedUp.getOrDefault(cluster, Set.of()));
      boolean askAnyway = look % ASK_ANYWAY_EVERY == 0;
      if (askAnyway || PoweredUpJobStarter.worthReadingJobs(waiting, upAtRead, up)) {
        try {
          waiting = starter.startReady(paths.apply(cluster), up, askAnyway).waiting();
        } catch (RuntimeException e) {
          waiting = null;
          log.debug("cluster {}: could not look for ready jobs: {}", cluster, e.toString());
        }
        upAtRead = up;
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        until.remove(cluster);
        return;
      }
    }
  }
}
