package org.openpcs.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openpcs.provider.BundledCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench replay}: a window of a real job log, time-compressed, against three node
 * groups of one server at once (same load for all three): a static group sized for the window's
 * peak, an elastic group with PCS's default 600 s idle time scaled by the compression, and an
 * elastic group with OpenPCS's defaults (idle time not set: 600 s, not scaled). Cost efficiency is
 * billed instance-seconds (scaling log, LAUNCHED → TERMINATED) over busy node-seconds (jobs).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Replay a window of an SWF job log: static vs elastic groups, cost and waits.")
public final class ReplayBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--trace", required = true, description = "An SWF file (.swf or .swf.gz).")
  Path trace;

  @Option(
      names = "--first-job",
      defaultValue = "0",
      description = "Index of the window's first job.")
  int firstJob;

  @Option(names = "--jobs", defaultValue = "50", description = "Jobs in the window.")
  int jobs;

  @Option(
      names = "--compression",
      defaultValue = "0",
      description =
          "Time compression factor; 0 = fit the whole window (submissions and runs) in --span-seconds.")
  double compression;

  @Option(names = "--span-seconds", defaultValue = "120")
  double spanSeconds;

  @Option(names = "--max-nodes", defaultValue = "8", description = "Group maximum (cap per job).")
  int maxNodes;

  @Option(
      names = "--procs-per-node",
      defaultValue = "0",
      description = "Processors of the log per node; 0 = MaxProcs/MaxNodes of its header (or 1).")
  int procsPerNode;

  @Option(names = "--min-sleep", defaultValue = "1", description = "Shortest job, seconds.")
  double minSleep;

  @Option(names = "--instance-type", defaultValue = "c5.large")
  String instanceType;

  @Option(
      names = "--warmup-nodes",
      defaultValue = "-1",
      description =
          "Nodes of a job run (and its cluster deleted) before the replay, so that the server is"
              + " not measured cold; -1 = --max-nodes, 0 = none.")
  int warmupNodes;

  @Option(
      names = "--configs",
      split = ",",
      defaultValue = "static,elastic,default",
      description =
          "static, elastic (PCS's 600 s idle time / compression), default (OpenPCS's defaults),"
              + " idle<N> (elastic with an idle time of N s)")
  List<String> configs;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Option(
      names = "--start-powered-up-jobs",
      description = "Run the server with --start-powered-up-jobs (see cold-start).")
  boolean startPoweredUpJobs;

  static final int PCS_DEFAULT_IDLE = 600;

  /**
   * From the moment every config is ready to the replays' common start: longer than a restarted
   * slurmctld takes to its first scheduling pass (about 3 s, {@link StartLine}).
   */
  static final Duration SETTLE = Duration.ofSeconds(5);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report =
        new BenchReport(
            "replay",
            List.of(
                "config",
                "nodes",
                "idle s",
                "jobs",
                "unfinished",
                "billed inst-s",
                "busy node-s",
                "billed/busy",
                "hindsight",
                "cost USD",
                "mean wait s",
                "p90 wait s"));
    SwfTrace t = SwfTrace.read(trace);
    int ppn =
        procsPerNode > 0
            ? procsPerNode
            : t.maxProcs() != null && t.maxNodes() != null && t.maxNodes() > 0
                ? Math.max(1, t.maxProcs() / t.maxNodes())
                : 1;
    double c = compression;
    if (c <= 0) {
      List<SwfTrace.Job> w = t.jobs().subList(firstJob, Math.min(t.jobs().size(), firstJob + jobs));
      // the whole window, longest job included, fits in --span-seconds
      double raw = 0;
      for (SwfTrace.Job j : w) {
        raw = Math.max(raw, j.submit() + j.run() - w.get(0).submit());
      }
      c = Math.max(1, raw / spanSeconds);
    }
    ReplayPlan plan = ReplayPlan.of(t, firstJob, jobs, c, ppn, maxNodes, minSleep);
    double price =
        new BundledCatalog()
            .find(instanceType)
            .map(i -> i.onDemandPerHour().doubleValue())
            .orElseThrow(
                () -> new IllegalArgumentException("unknown instance type " + instanceType));
    int elasticIdle = (int) Math.max(1, Math.round(PCS_DEFAULT_IDLE / c));
    report.settings.put("trace", trace.getFileName().toString());
    report.settings.put("firstJob", firstJob);
    report.settings.put("startPoweredUpJobs", startPoweredUpJobs);
    report.settings.put("jobs", plan.entries().size());
    report.settings.put("compression", c);
    report.settings.put("procsPerNode", ppn);
    report.settings.put("maxNodes", maxNodes);
    report.settings.put("peakNodes", plan.peakNodes());
    report.settings.put("plannedSpanSeconds", plan.spanSeconds());
    report.settings.put("plannedBusyNodeSeconds", plan.busyNodeSecondsPlanned());
    report.settings.put("instanceType", instanceType);
    report.settings.put("pricePerHour", price);
    report.settings.put("elasticIdleSeconds", elasticIdle);

    Map<String, ReplayMetrics> results = new LinkedHashMap<>();
    Map<String, List<ReplayMetrics.JobRecord>> observed = new LinkedHashMap<>();
    Map<String, Object> raw = new LinkedHashMap<>();
    int warm = warmupNodes < 0 ? maxNodes : warmupNodes;
    report.settings.put("warmupNodes", warm);
    try (OpenPcsLab lab = new OpenPcsLab(configs.size() * maxNodes, startPoweredUpJobs)) {
      if (warm > 0) {
        // A server runs for days before a trace window comes: its first launches, registrations
        // and job starts (class loading, the JIT) are not what a window's jobs would meet, as in
        // the burst. (The first jobs' waits did not measurably change with it: their nodes boot
        // at the same moment as every other elastic group's.)
        lab.warmUp(warm, instanceType);
      }
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      Map<String, Future<Map<String, Object>>> runs = new LinkedHashMap<>();
      StartLine startLine = new StartLine(configs.size(), SETTLE);
      for (String config : configs) {
        int min = config.equals("static") ? plan.peakNodes() : 0;
        int max = config.equals("static") ? plan.peakNodes() : maxNodes;
        Integer idle =
            switch (config) {
              case "static" -> PCS_DEFAULT_IDLE;
              case "elastic" -> elasticIdle;
              case "default" -> null;
              default -> fixedIdle(config);
            };
        runs.put(
            config,
            pool.submit(
                () -> {
                  try {
                    return one(lab, config, min, max, idle, plan, price, startLine);
                  } catch (Exception | Error e) {
                    startLine.abandon(); // the others stop waiting for this one
                    throw e;
                  }
                }));
      }
      for (var e : runs.entrySet()) {
        try {
          Map<String, Object> r = e.getValue().get();
          raw.put(e.getKey(), r);
          ReplayMetrics m = (ReplayMetrics) r.remove("metrics");
          results.put(e.getKey(), m);
          @SuppressWarnings("unchecked")
          List<ReplayMetrics.JobRecord> js = (List<ReplayMetrics.JobRecord>) r.get("jobs");
          observed.put(e.getKey(), js);
          if (r.get("unfinishedReport") != null) {
            report.notes.add(e.getKey() + ": " + r.get("unfinishedReport"));
          }
          if (r.get("jobsNotCompleted") != null) {
            report.failures.add(
                e.getKey()
                    + ": jobs timed as ended that did not complete (their last state in Slurm's"
                    + " job-completion log): "
                    + r.get("jobsNotCompleted"));
          }
          report.row(
              e.getKey(),
              r.get("maxNodes"),
              r.get("idleSeconds"),
              m.jobs(),
              m.unfinishedJobs(),
              m.billedInstanceSeconds(),
              m.busyNodeSeconds(),
              m.billedOverBusy(),
              r.get("hindsightBilledOverBusy"),
              m.cost(),
              m.meanWaitSeconds(),
              m.p90WaitSeconds());
        } catch (Exception ex) {
          report.failures.add(e.getKey() + ": " + (ex.getCause() != null ? ex.getCause() : ex));
        }
      }
      pool.shutdown();
    } catch (RuntimeException e) {
      report.failures.add(e.toString());
    }
    report.notes.addAll(ReplayTargets.notes(results, observed, c));
    report.samples.put("runs", raw);
    report.loadAverageAfter = Machine.current().loadAverage();
    report.print(out);
    if (json != null) {
      report.writeJson(json);
    }
    return report.failures.isEmpty() ? 0 : 1;
  }

  /** A config {@code idle<N>}: elastic like {@code elastic}, with an idle time of N seconds. */
  static final String IDLE_CONFIG = "idle";

  static int fixedIdle(String config) {
    if (config.startsWith(IDLE_CONFIG)) {
      try {
        int n = Integer.parseInt(config.substring(IDLE_CONFIG.length()));
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "unknown config " + config + " (static, elastic, default or idle<seconds>)");
  }

  /** One configuration, start to finish, in its own cluster. */
  static Map<String, Object> one(
      OpenPcsLab lab,
      String config,
      int min,
      int max,
      Integer idle,
      ReplayPlan plan,
      double price,
      StartLine startLine)
      throws Exception {
    // short names: they end up in slurmstepd's socket paths (see OpenPcsLab.shortTempDir)
    String name = "rp" + (config.startsWith(IDLE_CONFIG) ? "i" + idle : config.charAt(0));
    String size = max <= 32 ? "SMALL" : "MEDIUM";
    String c =
        idle == null
            ? lab.pcs
                .createCluster(
                    r ->
                        r.clusterName(name)
                            .scheduler(s -> s.type("SLURM").version(lab.slurmVersion()))
                            .size(size)
                            .networking(n -> n.subnetIds(OpenPcsLab.SUBNET)))
                .cluster()
                .id()
            : lab.createClusterAsync(name, idle, size);
    lab.awaitClusterActive(c, Duration.ofSeconds(120));
    int effectiveIdle =
        lab.pcs
            .getCluster(r -> r.clusterIdentifier(c))
            .cluster()
            .slurmConfiguration()
            .scaleDownIdleTimeInSeconds();
    String g = lab.createGroupAsync(c, name + "-g", min, max, "c5.large");
    lab.awaitGroupActive(c, g, Duration.ofSeconds(300));
    String q = lab.createQueueAsync(c, "work", g);
    lab.awaitQueueActive(c, q, Duration.ofSeconds(120));
    Path conf = lab.slurmConf(c);
    if (min > 0) {
      // a static group is ready before the first job arrives, as it would be in production
      OpenPcsLab.await(
          Duration.ofSeconds(120 + min),
          () ->
              lab.slurm.nodes(conf).values().stream().filter(s -> s.equals("idle")).count() >= min,
          () -> "static nodes idle");
    }
    // every config starts at the same instant, none on a controller restarted a moment ago
    startLine.await(Duration.ofSeconds(900));
    Duration cap = Duration.ofSeconds((long) (plan.spanSeconds() * 3 + 180));
    ReplayRun.Observed o = ReplayRun.replay(lab.slurm, conf, "work", plan, cap);
    double until;
    if (min > 0) {
      // static capacity is billed over the replay window; before and after it is the same for
      // every config and would only dilute the comparison
      until = o.lastEnd();
    } else {
      // elastic: the tail after the last job is real cost; wait for the group to reach zero, or
      // (when the idle time is longer than worth waiting) bill each running instance until its
      // projected scale-down: last job end + idle time + SuspendTime's detection pass (~1 s)
      double projected = o.lastEnd() + effectiveIdle + 1;
      // short idle times are waited out and measured; long ones (OpenPCS's default 600 s) are
      // projected, or every run would take ten more minutes
      double waitUntil = effectiveIdle <= 30 ? projected + 10 : 0;
      while (ColdStart.now() < waitUntil
          && ScalingLogIntervals.billed(lab.scalingSteps(c)).stream()
              .anyMatch(i -> i.end() == null)) {
        OpenPcsLab.sleep(500);
      }
      boolean allTerminated =
          ScalingLogIntervals.billed(lab.scalingSteps(c)).stream().allMatch(i -> i.end() != null);
      // measured when the group reached zero; otherwise instances still up are billed to the
      // projection
      until = allTerminated ? ColdStart.now() : Math.max(projected, ColdStart.now());
    }
    List<ScalingLogIntervals.Step> steps = lab.scalingSteps(c);
    List<ReplayMetrics.Interval> billed =
        ReplayMetrics.clamp(ScalingLogIntervals.billed(steps), o.start());
    ReplayMetrics m = ReplayMetrics.compute(billed, o.jobs(), price, until);
    // the same runs under a policy that knew the future, with this group's measured boot time
    Double boot = Stats.of(ScalingLogIntervals.bootSeconds(steps)).median();
    Double hindsight =
        boot == null || m.busyNodeSeconds() <= 0
            ? null
            : Hindsight.billed(o.jobs(), boot) / m.busyNodeSeconds();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clusterId", c);
    r.put("minNodes", min);
    r.put("maxNodes", max);
    r.put("idleSeconds", effectiveIdle);
    r.put("replayStart", o.start());
    r.put("lastJobEnd", o.lastEnd());
    r.put("billedUntil", until);
    r.put("instances", billed.size());
    r.put("bootSeconds", boot);
    r.put("hindsightBilledOverBusy", hindsight);
    r.put("jobs", o.jobs());
    r.put("metrics", m);
    // Timed as ended is not the same as done: a job that failed or vanished would count as a short
    // run and flatter the waits of the jobs behind it.
    Map<Long, String> notCompleted =
        JobCompLog.notCompleted(
            new org.openpcs.slurm.ClusterPaths(lab.clusterDir(c)).jobcompLog(),
            o.jobs().stream()
                .filter(j -> j.end() != null)
                .map(ReplayMetrics.JobRecord::jobId)
                .toList());
    if (!notCompleted.isEmpty()) {
      r.put("jobsNotCompleted", notCompleted);
    }
    if (!o.unfinished().isEmpty()) {
      r.put("unfinishedReport", o.unfinished());
    }
    r.put("result", m);
    return r;
  }
}
