package org.openpcs.control.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts jobs that Slurm 22.05 holds in CONFIGURING although their powered-up nodes are ready.
 * 22.05 ends CONFIGURING (and launches the batch script) only in slurmctld's periodic {@code
 * job_time_limit} pass, every 30 s, or when the job's PrologSlurmctld exits with the nodes ready.
 * So a job with a start gate ({@link StartGates}: the PrologSlurmctld of every cluster with power
 * saving) is started by opening its gate (D55): nothing about the job changes.
 *
 * <p>A job without a gate (allocated before the cluster had one, or whose gate gave up) can be
 * requeued instead, opt-in ({@code --start-powered-up-jobs}, D20): its script has not started, so
 * no user work is lost or repeated, and the requeue hold is lifted at once, as D13 does for failed
 * nodes; the next scheduling pass puts it on the nodes, now up. None of {@code scontrol
 * reconfigure}, {@code scontrol wait_job}, a job update or a node RESUME ends CONFIGURING sooner;
 * creating a step with {@code srun --jobid} does, but then the batch script is never launched
 * (measured; see docs/benchmarks.md). The cost is visible to the user: {@code Restarts=1} and a
 * requeue in accounting; jobs submitted with {@code --no-requeue} are left alone. Such a job is
 * requeued only when a second look still finds it ready and without a gate: one whose gate program
 * has just returned is started by slurmctld within milliseconds.
 *
 * <p>Call {@link #startReady} when the control plane learns that a node's slurmd is up (the agent
 * reports RUNNING); it acts only on jobs whose every node Slurm already shows up.
 */
public final class PoweredUpJobStarter {
  private static final Logger log = LoggerFactory.getLogger(PoweredUpJobStarter.class);
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

  /**
   * A gate made this long before a read of Slurm's jobs belongs to a job that read could see; a
   * younger one may belong to a job allocated after it.
   */
  static final Duration GATE_MARGIN = Duration.ofSeconds(2);

  private final SlurmInstallation slurm;
  private final StartHolds holds;
  private final RequeueStart requeues;
  private final boolean requeue;

  /** Cluster directory → the ready jobs without a gate that the last look found. */
  private final Map<Path, Set<Long>> ungatedAtLastLook = new ConcurrentHashMap<>();

  /**
   * @param requeue whether ready jobs without a start gate are requeued (D20)
   */
  public PoweredUpJobStarter(SlurmInstallation slurm, StartHolds holds, boolean requeue) {
    this.slurm = slurm;
    this.holds = holds;
    this.requeues = new RequeueStart(slurm, holds);
    this.requeue = requeue;
  }

  /**
   * What a look saw: the jobs it started, and the candidate jobs still waiting (job id → allocated
   * nodes), null when Slurm's jobs could not be read.
   */
  public record Look(List<Long> started, Map<Long, List<String>> waiting) {
    static final Look UNREAD = new Look(List.of(), null);
  }

  /**
   * Starts every ready CONFIGURING job of the cluster: opens its gate, or (opt-in) requeues it.
   * Slurm's node states (every node of the cluster: costly for slurmctld and for us at 1,000 nodes)
   * are only asked for when some candidate job has all its nodes in {@code reportedUp} — the nodes
   * whose agents reported slurmd up — or when {@code askAnyway} (nodes that came up before this
   * server started are in no report).
   */
  public Look startReady(ClusterPaths paths, Set<String> reportedUp, boolean askAnyway) {
    if (askAnyway) {
      holds.sweep(slurm, paths);
    }
    Instant readAt = Instant.now();
    String jobs = scontrol(slurm, paths, "show", "job", "-o");
    if (jobs == null) {
      return Look.UNREAD;
    }
    List<String> jobLines = jobs.lines().toList();
    Map<Long, List<String>> candidates = candidates(jobLines);
    if (askAnyway) {
      StartGates.sweep(paths, candidates.keySet(), readAt.minus(GATE_MARGIN));
    }
    if (!worthAskingNodes(candidates, reportedUp, askAnyway)) {
      return new Look(List.of(), candidates);
    }
    String nodes = scontrol(slurm, paths, "show", "node", "-o");
    if (nodes == null) {
      return new Look(List.of(), candidates);
    }
    List<Long> ready = readyJobs(candidates, nodeStates(nodes.lines().toList()));
    List<Long> started = new ArrayList<>();
    Set<Long> gated = StartGates.waiting(paths).keySet();
    for (long id : ready) {
      if (!gated.contains(id)) {
        continue;
      }
      // up and allocated to the job: the job's and later jobs' programs need not ask (D56)
      StartGates.markUp(paths, candidates.get(id));
      if (StartGates.open(paths, id)) {
        started.add(id);
        log.info(
            "cluster {}: job {}: nodes are up; its start gate is open",
            paths.root().getFileName(),
            id);
      }
    }
    if (requeue) {
      started.addAll(requeueUngated(paths, ready, gated, jobLines, candidates));
    }
    Map<Long, List<String>> waiting = new LinkedHashMap<>(candidates);
    waiting.keySet().removeAll(started);
    return new Look(started, waiting);
  }

  /**
   * Requeues the ready jobs without a gate that the last look found so too (D20). Only with the
   * option: without it nobody needs the second parse of the jobs nor the remembered set.
   */
  private List<Long> requeueUngated(
      ClusterPaths paths,
      List<Long> ready,
      Set<Long> gated,
      List<String> jobLines,
      Map<Long, List<String>> candidates) {
    Set<Long> ungated = new HashSet<>(ready);
    ungated.removeAll(gated);
    ungated.retainAll(requeueable(jobLines));
    Set<Long> before =
        ungated.isEmpty()
            ? ungatedAtLastLook.remove(paths.root())
            : ungatedAtLastLook.put(paths.root(), ungated);
    List<Long> started = new ArrayList<>();
    for (long id : ready) {
      if (ungated.contains(id)
          && before != null
          && before.contains(id)
          && requeues.start(paths, id, candidates.get(id))) {
        started.add(id);
      }
    }
    return started;
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
   * The jobs in CONFIGURING whose allocated nodes all respond and are no longer powering up (pure:
   * the input is {@link #candidates} and node states).
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
   * Job id → allocated nodes of the jobs in CONFIGURING (pure: the input is {@code scontrol show
   * job -o}). Every one may have a gate, interactive and {@code --no-requeue} jobs too.
   */
  static Map<Long, List<String>> candidates(List<String> jobLines) {
    Map<Long, List<String>> out = new LinkedHashMap<>();
    for (String line : jobLines) {
      Map<String, String> f = fields(line);
      String nodes = f.get("NodeList");
      if ("CONFIGURING".equals(f.get("JobState"))
          && nodes != null
          && !nodes.isEmpty()
          && !nodes.equals("(null)")) {
        out.put(Long.parseLong(f.get("JobId")), Hostlist.expand(nodes));
      }
    }
    return out;
  }

  /**
   * The jobs among {@code jobLines} that a requeue may start (pure): batch jobs (an interactive one
   * has no script to start) not submitted with {@code --no-requeue}.
   */
  static Set<Long> requeueable(List<String> jobLines) {
    Set<Long> out = new HashSet<>();
    for (String line : jobLines) {
      Map<String, String> f = fields(line);
      if ("1".equals(f.get("BatchFlag")) && "1".equals(f.get("Requeue"))) {
        out.add(Long.parseLong(f.get("JobId")));
      }
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

  static Map<String, String> fields(String line) {
    Map<String, String> f = new HashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      f.putIfAbsent(m.group(1), m.group(2));
    }
    return f;
  }

  /** Runs {@code scontrol args} on the cluster; its output, or null when it failed. */
  static String scontrol(SlurmInstallation slurm, ClusterPaths paths, String... args) {
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
