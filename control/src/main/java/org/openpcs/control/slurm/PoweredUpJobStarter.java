package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts batch jobs that Slurm 22.05 holds in CONFIGURING although their powered-up nodes are
 * ready. 22.05 ends CONFIGURING (and launches the batch script) only in slurmctld's periodic {@code
 * job_time_limit} pass, every 30 s, so a job waits 0–30 s after its last slurmd registered. None of
 * {@code scontrol reconfigure}, {@code scontrol wait_job}, a job update or a node RESUME ends it
 * sooner; creating a step with {@code srun --jobid} does end CONFIGURING but then the batch script
 * is never launched (measured; see docs/benchmarks.md). What works is to requeue the job — its
 * script has not started, so no user work is lost or repeated — and lift the requeue hold, as D13
 * does for failed nodes: the next scheduling pass (about 2 s) puts it on nodes that are now up,
 * which needs no power-up and starts at once.
 *
 * <p>The cost is visible to the user: {@code Restarts=1} ({@code SLURM_RESTART_COUNT=1} in the job)
 * and a requeue in accounting. Jobs submitted with {@code --no-requeue} are left alone. Call {@link
 * #startReady} when the control plane learns that a node's slurmd is up (the agent reports
 * RUNNING); it acts only on jobs whose every node Slurm already shows up.
 */
public final class PoweredUpJobStarter {
  private static final Logger log = LoggerFactory.getLogger(PoweredUpJobStarter.class);
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");
  private final SlurmInstallation slurm;
  private final StartHolds holds;

  public PoweredUpJobStarter(SlurmInstallation slurm, StartHolds holds) {
    this.slurm = slurm;
    this.holds = holds;
  }

  /**
   * What a look saw: the jobs it started, and the candidate jobs still waiting (job id → allocated
   * nodes), null when Slurm's jobs could not be read.
   */
  public record Look(List<Long> started, Map<Long, List<String>> waiting) {
    static final Look UNREAD = new Look(List.of(), null);
  }

  /**
   * Requeues (and releases) every ready CONFIGURING batch job of the cluster. Slurm's node states
   * (every node of the cluster: costly for slurmctld and for us at 1,000 nodes) are only asked for
   * when some candidate job has all its nodes in {@code reportedUp} — the nodes whose agents
   * reported slurmd up — or when {@code askAnyway} (nodes that came up before this server started
   * are in no report).
   */
  public Look startReady(ClusterPaths paths, Set<String> reportedUp, boolean askAnyway) {
    if (askAnyway) {
      holds.sweep(slurm, paths);
    }
    String jobs = run(paths, "show", "job", "-o");
    if (jobs == null) {
      return Look.UNREAD;
    }
    Map<Long, List<String>> candidates = candidates(jobs.lines().toList());
    if (!worthAskingNodes(candidates, reportedUp, askAnyway)) {
      return new Look(List.of(), candidates);
    }
    String nodes = run(paths, "show", "node", "-o");
    if (nodes == null) {
      return new Look(List.of(), candidates);
    }
    List<Long> ready = readyJobs(candidates, nodeStates(nodes.lines().toList()));
    List<Long> started = new ArrayList<>();
    for (long id : ready) {
      List<String> own = candidates.get(id);
      // Its nodes stay its own through the requeue (D52, D53), whether or not another job waits
      // now: one submitted during the requeue took them too (seen in a replay).
      Runnable giveBack =
          holds.keep(slurm, paths, id, own)
              ? once(() -> holds.giveBack(slurm, paths, id))
              : () -> {};
      if (run(paths, "requeue", Long.toString(id)) != null) {
        started.add(id);
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
      } else {
        giveBack.run();
      }
    }
    Map<Long, List<String>> waiting = new LinkedHashMap<>(candidates);
    waiting.keySet().removeAll(started);
    return new Look(started, waiting);
  }

  /**
   * Pure: whether Slurm's jobs are worth reading again, given the candidates {@code waiting} at the
   * last read ({@code null}: never read, or the read failed), the nodes reported up then and now.
   * Worth it when a waiting job may be ready (all its nodes reported up), or when a node came up
   * that no waiting job holds (it may belong to a job that was not waiting yet). During a burst
   * nodes come up one by one for the same job, and reading every job ten times a second (a process,
   * a munge credential and an RPC each) was a few per cent of the two cores' work; until every node
   * of the job is up there is nothing to start.
   */
  static boolean worthReadingJobs(
      Map<Long, List<String>> waiting, Set<String> upAtRead, Set<String> up) {
    if (waiting == null) {
      return true;
    }
    if (waiting.values().stream().anyMatch(up::containsAll)) {
      return true;
    }
    Set<String> held = new HashSet<>();
    waiting.values().forEach(held::addAll);
    return up.stream().anyMatch(n -> !upAtRead.contains(n) && !held.contains(n));
  }

  /**
   * The batch jobs in CONFIGURING that may be requeued and whose allocated nodes all respond and
   * are no longer powering up (pure: the input is {@link #candidates} and node states).
   */
  static List<Long> readyJobs(Map<Long, List<String>> candidates, Map<String, String> nodeStates) {
    List<Long> out = new ArrayList<>();
    candidates.forEach(
        (id, nodes) -> {
          if (nodes.stream().allMatch(n -> isUp(nodeStates.get(n)))) {
            out.add(id);
          }
        });
    return out;
  }

  /**
   * Pure: whether Slurm's node states are worth reading — there is a candidate job and, unless
   * {@code askAnyway}, one of them has every node reported up by its agent (until then no candidate
   * can be ready, whatever Slurm says).
   */
  static boolean worthAskingNodes(
      Map<Long, List<String>> candidates, Set<String> reportedUp, boolean askAnyway) {
    return askAnyway
        ? !candidates.isEmpty()
        : candidates.values().stream().anyMatch(reportedUp::containsAll);
  }

  /**
   * Job id → allocated nodes of the batch jobs in CONFIGURING that may be requeued (pure: the input
   * is {@code scontrol show job -o}).
   */
  static Map<Long, List<String>> candidates(List<String> jobLines) {
    Map<Long, List<String>> out = new LinkedHashMap<>();
    for (String line : jobLines) {
      Map<String, String> f = fields(line);
      if (!"CONFIGURING".equals(f.get("JobState"))
          || !"1".equals(f.get("BatchFlag"))
          || !"1".equals(f.get("Requeue"))
          || f.get("NodeList") == null
          || f.get("NodeList").isEmpty()
          || f.get("NodeList").equals("(null)")) {
        continue;
      }
      out.put(Long.parseLong(f.get("JobId")), Hostlist.expand(f.get("NodeList")));
    }
    return out;
  }

  /** Node name → its State= field ({@code ALLOCATED+CLOUD}, {@code IDLE+CLOUD+POWERING_UP}, …). */
  static Map<String, String> nodeStates(List<String> nodeLines) {
    Map<String, String> out = new HashMap<>();
    for (String line : nodeLines) {
      Map<String, String> f = fields(line);
      if (f.containsKey("NodeName")) {
        out.put(f.get("NodeName"), f.getOrDefault("State", ""));
      }
    }
    return out;
  }

  /** Responding, powered up and not on its way down: what job_time_limit's test asks for. */
  static boolean isUp(String state) {
    if (state == null) {
      return false;
    }
    for (String flag :
        List.of("POWERING_UP", "POWERED_DOWN", "POWERING_DOWN", "NOT_RESPONDING", "DOWN", "FAIL")) {
      if (state.contains(flag)) {
        return false;
      }
    }
    return state.startsWith("ALLOCATED") || state.startsWith("MIXED") || state.startsWith("IDLE");
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> f = new HashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      f.putIfAbsent(m.group(1), m.group(2));
    }
    return f;
  }

  /** How long a requeued job is watched until it is eligible again. */
  static final java.time.Duration RELEASE_WITHIN = java.time.Duration.ofSeconds(60);

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
      String shown = run(paths, "show", "job", "-o", Long.toString(id));
      if (shown == null) {
        return false;
      }
      Map<String, String> f = fields(shown);
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
          if (run(paths, "update", "JobId=" + id, "StartTime=now") != null) {
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

  private String run(ClusterPaths paths, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(slurm.path("scontrol").toString());
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("SLURM_CONF", paths.slurmConf().toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        log.debug("scontrol {} failed: {}", String.join(" ", args), out.strip());
        return null;
      }
      return out;
    } catch (IOException e) {
      log.debug("scontrol {} failed: {}", String.join(" ", args), e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
