package org.openpcs.control.slurm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job held in CONFIGURING on nodes that are up by requeueing it and lifting the requeue's
 * delay at once (D20), keeping its nodes for it meanwhile ({@link StartHolds}, D52, D53). Used by
 * {@link PoweredUpJobStarter}, opt-in, for jobs without a start gate.
 */
final class RequeueStart {
  private static final Logger log = LoggerFactory.getLogger(RequeueStart.class);
  private final SlurmInstallation slurm;
  private final StartHolds holds;

  RequeueStart(SlurmInstallation slurm, StartHolds holds) {
    this.slurm = slurm;
    this.holds = holds;
  }

  /** Requeues a ready job and releases it on a thread of its own; false if Slurm refused. */
  boolean start(ClusterPaths paths, long id, List<String> own) {
    // Its nodes stay its own through the requeue (D52, D53), whether or not another job waits
    // now: one submitted during the requeue took them too (seen in a replay).
    Runnable giveBack =
        holds.keep(slurm, paths, id, own) ? once(() -> holds.giveBack(slurm, paths, id)) : () -> {};
    if (PoweredUpJobStarter.scontrol(slurm, paths, "requeue", Long.toString(id)) == null) {
      giveBack.run();
      return false;
    }
    long requeuedAt = System.currentTimeMillis();
    log.info(
        "cluster {}: job {}: nodes are up; requeued to start now instead of at the 30 s pass",
        paths.root().getFileName(),
        id);
    // Released on its own thread: the requeue takes as long as the job's epilogs.
    Thread.ofVirtual()
        .name("release-job-" + id)
        .start(
            () -> {
              try {
                if (!release(paths, id, requeuedAt, giveBack)) {
                  log.warn(
                      "job {}: requeued, but could not be made eligible at once; it starts"
                          + " when its requeue delay ends",
                      id);
                }
              } finally {
                giveBack.run();
              }
            });
    return true;
  }

  /** How long a requeued job is watched until it is eligible again. */
  static final Duration RELEASE_WITHIN = Duration.ofSeconds(60);

  /**
   * Makes a requeued job eligible now. Slurm finishes a requeue only when every node's epilog is
   * done, and only then sets the job's begin time (requeue delay, 121 s by default): a {@code
   * StartTime=now} sent earlier is overwritten (seen with 64 nodes: the job waited almost three
   * minutes, its nodes powered down meanwhile). So the job is watched until it waits for its begin
   * time, then released — in a later wall-clock second than the requeue: the requeue revoked the
   * job's credential on its nodes as of the requeue's second, and slurmd refuses a credential
   * created in that second or before, so a job started again within it fails at once ("Killing
   * non-startable batch job: Job credential revoked", state FAILED; seen in about one replay run of
   * six, where the scheduler placed the released job within 63 ms).
   *
   * @param giveBackNodes run once the requeue is through, just before the release: ends the hold on
   *     the job's nodes (D53)
   */
  private boolean release(
      ClusterPaths paths, long id, long requeuedAtMillis, Runnable giveBackNodes) {
    long deadline = System.nanoTime() + RELEASE_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      String shown =
          PoweredUpJobStarter.scontrol(slurm, paths, "show", "job", "-o", Long.toString(id));
      if (shown == null) {
        return false;
      }
      Map<String, String> f = PoweredUpJobStarter.fields(shown);
      switch (requeueStep(f.getOrDefault("JobState", ""), f.getOrDefault("Reason", ""))) {
        case STARTED -> {
          return true;
        }
        case ENDED -> {
          return false;
        }
        case WAITS_FOR_BEGIN_TIME -> {
          sleep(millisUntilLaterSecond(requeuedAtMillis, System.currentTimeMillis()));
          // The nodes first: the release's scheduling pass must find them free, or it places the
          // job on other powered-down nodes and boots those. Deleting the hold may start a pass of
          // its own, which a later job could win: done right before the release, it lost none of
          // 25 tries on 22.05 (and a loss is only the place loss of before D52).
          giveBackNodes.run();
          if (PoweredUpJobStarter.scontrol(slurm, paths, "update", "JobId=" + id, "StartTime=now")
              != null) {
            return true;
          }
        }
        case REQUEUEING -> {
          // epilogs still running
        }
      }
      sleep(100);
    }
    return false;
  }

  /** Runs {@code r} the first time it is called, never again. */
  static Runnable once(Runnable r) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        r.run();
      }
    };
  }

  /**
   * Pure: how long to wait so that it is a later wall-clock second than {@code referenceMillis}
   * (zero when it already is).
   */
  static long millisUntilLaterSecond(long referenceMillis, long nowMillis) {
    return Math.max(0, Math.floorDiv(referenceMillis, 1000) * 1000 + 1000 - nowMillis);
  }

  /** Where a requeued job is, as far as releasing it goes. */
  enum RequeueStep {
    REQUEUEING,
    WAITS_FOR_BEGIN_TIME,
    STARTED,
    ENDED
  }

  /** Pure: the step of a requeued job from its {@code JobState} and {@code Reason}. */
  static RequeueStep requeueStep(String state, String reason) {
    if (state.equals("PENDING") && reason.equals("BeginTime")) {
      return RequeueStep.WAITS_FOR_BEGIN_TIME;
    }
    if (state.equals("RUNNING") || state.equals("CONFIGURING")) {
      return RequeueStep.STARTED;
    }
    if (state.equals("PENDING") || state.startsWith("REQUEUE") || state.equals("COMPLETING")) {
      return RequeueStep.REQUEUEING;
    }
    return RequeueStep.ENDED;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
