package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.openpcs.slurm.NodeLine;
import org.openpcs.slurm.NodeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers down cloud nodes the moment their idle time is up ({@link IdleRelease}, D34), instead of
 * at Slurm's next 10 s power-save pass. It looks at a cluster's nodes only when there is reason to:
 * a job ended (the cluster's job-completion log grew) and the idle time is shorter than {@link
 * #LOOK_AGAIN}, a node it saw idle or completing is due, or {@link #LOOK_AGAIN} passed (a node can
 * turn idle without a job ending, e.g. a job cancelled while its nodes booted) — at most once per
 * {@link #MIN_GAP}. Each cluster's look runs on a virtual thread of its own, so that a slow
 * controller holds up only its own releases. Nothing is kept across restarts: the first look after
 * one finds every idle node again, and meanwhile Slurm's own pass still releases them.
 */
public final class IdleReleases {
  private static final Logger log = LoggerFactory.getLogger(IdleReleases.class);

  /** The longest time between two looks at a cluster: Slurm's own pass interval. */
  static final Duration LOOK_AGAIN = Duration.ofSeconds(10);

  /** The shortest time between two looks at a cluster, however many jobs end. */
  static final Duration MIN_GAP = Duration.ofSeconds(1);

  /**
   * The cloud nodes and the scale-down idle time of the configuration a cluster's slurmctld runs
   * (its SuspendTime less the backstop, D44).
   */
  record Applied(List<String> cloudNodes, Duration idleTime) {}

  /** What the looks need of this host's clusters ({@link ClusterRuntime} in production). */
  interface Clusters {
    List<String> known();

    Path jobcompLog(String clusterId);

    Optional<Applied> applied(String clusterId);

    Optional<Map<String, NodeStatus>> nodes(String clusterId);

    void powerDown(String clusterId, List<String> nodes);
  }

  private final Clusters clusters;
  private final Clock clock;
  private final Executor looks;

  /**
   * Per cluster: the job-completion log's size at the last look, when that was, when to look, and
   * whether a job's end calls for a look: only when the idle time is shorter than {@link
   * #LOOK_AGAIN}. With a longer one a node that turns idle now cannot be due before the next
   * periodic look, which sees it and times its release (D56: on a job array of short jobs the look
   * at every second, a {@code sinfo --json}, was work the jobs waited for).
   */
  private record Seen(long jobLogSize, Instant lookedAt, Instant lookAt, boolean jobEndsMatter) {}

  /**
   * What a look found: when to look next, if sooner than {@link #LOOK_AGAIN}, and {@link Seen}'s.
   */
  private record Next(Optional<Instant> at, boolean jobEndsMatter) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Set<String> looking = ConcurrentHashMap.newKeySet();

  public IdleReleases(ClusterRuntime runtime, Clock clock) {
    this(of(runtime), clock, look -> Thread.ofVirtual().name("idle-release").start(look));
  }

  /**
   * @param looks runs each look (a virtual thread per look in production)
   */
  IdleReleases(Clusters clusters, Clock clock, Executor looks) {
    this.clusters = clusters;
    this.clock = clock;
    this.looks = looks;
  }

  private static Clusters of(ClusterRuntime runtime) {
    return new Clusters() {
      @Override
      public List<String> known() {
        return runtime.knownClusters();
      }

      @Override
      public Path jobcompLog(String clusterId) {
        return runtime.paths(clusterId).jobcompLog();
      }

      @Override
      public Optional<Applied> applied(String clusterId) {
        return runtime
            .applied(clusterId)
            .map(
                c ->
                    new Applied(
                        c.nodes().stream().filter(NodeLine::cloud).map(NodeLine::name).toList(),
                        Duration.ofSeconds(
                            SlurmConfigPlanner.idleTimeSeconds(
                                c.controller().suspendTimeSeconds()))));
      }

      @Override
      public Optional<Map<String, NodeStatus>> nodes(String clusterId) {
        return runtime.nodes().nodeStatuses(clusterId);
      }

      @Override
      public void powerDown(String clusterId, List<String> nodes) {
        runtime.nodes().powerDowns().idle(clusterId, nodes);
      }
    };
  }

  /**
   * Starts a look at every cluster of this host that is due and not being looked at; called often
   * (a stat per cluster). Never throws: a scheduled task that throws is not run again.
   */
  public void tickAll() {
    try {
      List<String> known = clusters.known();
      seen.keySet().retainAll(known);
      for (String clusterId : known) {
        tick(clusterId);
      }
    } catch (Throwable t) {
      log.warn("idle nodes not looked at: {}", t.toString());
    }
  }

  private void tick(String clusterId) {
    Instant now = clock.instant();
    long size = jobLogSize(clusters.jobcompLog(clusterId));
    Seen last = seen.get(clusterId);
    if (last != null) {
      boolean jobEnded = size != last.jobLogSize() && last.jobEndsMatter();
      boolean due = !now.isBefore(last.lookAt());
      if (!(jobEnded || due) || now.isBefore(last.lookedAt().plus(MIN_GAP))) {
        return;
      }
    }
    if (!looking.add(clusterId)) {
      return;
    }
    // Until the look says otherwise: the next one in LOOK_AGAIN, also when this one fails.
    seen.put(clusterId, new Seen(size, now, now.plus(LOOK_AGAIN), true));
    looks.execute(
        () -> {
          try {
            Next next = look(clusterId, now);
            seen.put(
                clusterId,
                new Seen(size, now, next.at().orElse(now.plus(LOOK_AGAIN)), next.jobEndsMatter()));
          } catch (RuntimeException e) {
            log.warn("cluster {}: idle nodes not looked at: {}", clusterId, e.toString());
          } finally {
            looking.remove(clusterId);
          }
        });
  }

  /** Releases what is due; returns when to look next and whether a job's end calls for a look. */
  private Next look(String clusterId, Instant now) {
    Optional<Applied> applied = clusters.applied(clusterId);
    if (applied.isEmpty() || applied.get().cloudNodes().isEmpty()) {
      return new Next(Optional.empty(), true);
    }
    boolean jobEndsMatter = applied.get().idleTime().compareTo(LOOK_AGAIN) < 0;
    Optional<Map<String, NodeStatus>> nodes = clusters.nodes(clusterId);
    if (nodes.isEmpty()) {
      return new Next(Optional.empty(), jobEndsMatter);
    }
    IdleRelease.Plan plan =
        IdleRelease.plan(
            new IdleRelease.View(
                nodes.get(), applied.get().cloudNodes(), applied.get().idleTime(), now));
    if (!plan.release().isEmpty()) {
      clusters.powerDown(clusterId, plan.release());
    }
    return new Next(plan.nextDue().filter(at -> at.isBefore(now.plus(LOOK_AGAIN))), jobEndsMatter);
  }

  private static long jobLogSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
