package org.openpcs.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench burst}: one job needing N nodes from zero → all nodes usable and the job
 * RUNNING, then the scale-down back to zero; on OpenPCS and on the floor, one after the other (not
 * at once: they would share the two cores). Memory is sampled from /proc while the job runs.
 */
@Command(
    name = "burst",
    mixinStandardHelpOptions = true,
    description = "An N-node job from zero -> running, then scale-down, OpenPCS vs the floor.")
public final class BurstBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      split = ",",
      defaultValue = "64",
      description = "Node counts, e.g. 64,256 (each is one run per system).")
  List<Integer> nodes;

  @Option(names = "--system", defaultValue = "both", description = "openpcs, floor or both.")
  String system;

  @Option(
      names = "--idle-seconds",
      defaultValue = "10",
      description = "Scale-down idle time (scaleDownIdleTimeInSeconds / SuspendTime).")
  int idleSeconds;

  @Option(names = "--instance-type", defaultValue = "c5.large")
  String instanceType;

  @Option(
      names = "--warmup-nodes",
      defaultValue = "16",
      description =
          "Before the measured burst, one burst of this many nodes on a throw-away cluster, so"
              + " the measured one runs on a JIT-compiled server as in production (0: a cold JVM).")
  int warmupNodes;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Option(
      names = "--start-powered-up-jobs",
      description = "Run the server with --start-powered-up-jobs (see cold-start).")
  boolean startPoweredUpJobs;

  static final List<String> COLUMNS =
      List.of(
          "system",
          "nodes",
          "all responding s",
          "RUNNING s",
          "down: slurmd gone s",
          "down: all idle~ s",
          "server/ctld RSS MiB",
          "slurmd RSS avg MiB",
          "slurmd RSS max MiB",
          "slurmd RSS sum MiB");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report = new BenchReport("burst", COLUMNS);
    report.settings.put("nodes", nodes);
    report.settings.put("idleSeconds", idleSeconds);
    report.settings.put("startPoweredUpJobs", startPoweredUpJobs);
    report.settings.put("warmupNodes", warmupNodes);
    List<Map<String, Object>> raw = new ArrayList<>();
    for (int n : nodes) {
      Map<String, Object> o = null;
      Map<String, Object> f = null;
      if (!system.equals("floor")) {
        o = run(report, "openpcs", n, () -> openpcs(n));
      }
      if (!system.equals("openpcs")) {
        f = run(report, "floor", n, () -> floor(n));
      }
      for (Map<String, Object> r : new Map[] {o, f}) {
        if (r != null) {
          raw.add(r);
          report.row(
              r.get("system"),
              n,
              r.get("allResponding"),
              r.get("running"),
              r.get("slurmdGone"),
              r.get("allPoweredDown"),
              r.get("controlRssMiB"),
              r.get("slurmdRssAvgMiB"),
              r.get("slurmdRssMaxMiB"),
              r.get("slurmdRssSumMiB"));
        }
      }
      if (o != null && f != null) {
        ratio(report, n, o, f, "running", "sbatch -> RUNNING");
        ratio(report, n, o, f, "allResponding", "sbatch -> all slurmd responding");
        ratio(report, n, o, f, "slurmdGone", "job end -> all slurmd stopped");
      }
    }
    report.samples.put("runs", raw);
    report.notes.add(
        "server/ctld RSS: OpenPCS = this JVM (server, agents as virtual threads and the bench"
            + " driver) + its slurmctld; floor = slurmctld only. OpenPCS nodes also run one munged"
            + " each (not counted in slurmd RSS)");
    report.loadAverageAfter = Machine.current().loadAverage();
    report.print(out);
    if (json != null) {
      report.writeJson(json);
    }
    return report.failures.isEmpty() ? 0 : 1;
  }

  interface Run {
    Map<String, Object> go();
  }

  private static Map<String, Object> run(BenchReport report, String system, int n, Run r) {
    try {
      return r.go();
    } catch (RuntimeException e) {
      report.failures.add(system + " " + n + " nodes: " + e);
      return null;
    }
  }

  Map<String, Object> openpcs(int n) {
    try (OpenPcsLab lab = new OpenPcsLab(n, startPoweredUpJobs)) {
      if (warmupNodes > 0) {
        lab.warmUp(Math.min(n, warmupNodes), instanceType);
      }
      OpenPcsLab.Elastic e = lab.elastic("burst" + n, idleSeconds, 0, n, instanceType);
      Path conf = lab.slurmConf(e.clusterId());
      List<String> names =
          IntStream.rangeClosed(1, n).mapToObj(i -> e.groupName() + "-" + i).toList();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("system", "openpcs");
      Map<String, Double> p = ColdStart.newPhases();
      long[] job = new long[1];
      double t0 =
          ColdStart.submitToOpenPcs(
              lab, e, e.groupName() + "-[1-" + n + "]", n, Duration.ofSeconds(120 + n), p, job);
      long ctldRss = pidRss(lab.clusterDir(e.clusterId()).resolve("run/slurmctld.pid"));
      memory(r, OpenPcsLab.serverRssKib() + ctldRss, Procs.slurmd(Procs.usingDir(lab.dataDir)));
      ColdStart.addSlurmctldSteps(lab.slurmctldLog(e.clusterId()), job[0], names, t0, p);
      ColdStart.addScalingSteps(lab.scalingSteps(e.clusterId()), names, t0, p);
      r.put("steps", p);
      r.put("running", BenchReport.sec(p.get(ColdStart.RUNNING)));
      r.put("allResponding", BenchReport.sec(p.get(ColdStart.RESPONDING)));
      double end = awaitJobGone(lab.slurm, conf, job[0], n);
      scaleDown(r, end, () -> Procs.slurmd(Procs.usingDir(lab.dataDir)).size(), lab.slurm, conf, n);
      return r;
    }
  }

  Map<String, Object> floor(int n) {
    try (FloorCluster bare = new FloorCluster(n, idleSeconds)) {
      List<String> names = IntStream.rangeClosed(1, n).mapToObj(FloorCluster::nodeName).toList();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("system", "floor");
      Map<String, Double> p = ColdStart.newPhases();
      long[] job = new long[1];
      double t0;
      try {
        t0 =
            ColdStart.submitAndAwaitRunning(
                bare.slurm,
                bare.slurmConf,
                "work",
                "f[1-" + n + "]",
                n,
                Duration.ofSeconds(120 + n),
                p,
                job);
      } catch (IllegalStateException stuck) {
        // The floor has no repair for a node that never comes up: say which and why, if known.
        throw new IllegalStateException(stuck.getMessage() + "; " + floorDiagnosis(bare), stuck);
      }
      Double resume = ColdStart.floorResume(bare.dir.resolve("log/power.log"), t0);
      p.put(ColdStart.RESUME_PROGRAM, resume == null ? null : resume - t0);
      Long ctld = bare.slurmctldPid();
      memory(r, ctld == null ? 0 : Procs.rssKib(ctld), bare.slurmdPids());
      ColdStart.addSlurmctldSteps(bare.slurmctldLog(), job[0], names, t0, p);
      r.put("steps", p);
      r.put("running", BenchReport.sec(p.get(ColdStart.RUNNING)));
      r.put("allResponding", BenchReport.sec(p.get(ColdStart.RESPONDING)));
      double end = awaitJobGone(bare.slurm, bare.slurmConf, job[0], n);
      scaleDown(r, end, () -> bare.slurmdPids().size(), bare.slurm, bare.slurmConf, n);
      return r;
    }
  }

  /** The floor's nodes not plainly in use, its slurmd count and slurmctld's last errors. */
  private static String floorDiagnosis(FloorCluster bare) {
    String nodes =
        bare.slurm
            .run(bare.slurmConf, "sinfo", "-h", "-N", "-o", "%N %T %E")
            .output()
            .lines()
            // "allocated#" (still powering up) or "allocated*" (not responding) is what we want
            .filter(l -> !l.matches("\\S+ (allocated|mixed) .*"))
            .limit(10)
            .collect(java.util.stream.Collectors.joining(", "));
    String errors;
    try (var lines = java.nio.file.Files.lines(bare.slurmctldLog())) {
      java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
      lines
          .filter(l -> l.contains("error") || l.contains("boot") || l.contains("ResumeTimeout"))
          // what every floor logs at start (no PMIx, no mail, no saved state) says nothing
          .filter(
              l ->
                  !l.contains("pmix")
                      && !l.contains("state file")
                      && !l.contains("backup state save")
                      && !l.contains("MailProg"))
          .forEach(
              l -> {
                last.addLast(l);
                if (last.size() > 10) {
                  last.removeFirst();
                }
              });
      errors = last.isEmpty() ? "none" : String.join(" | ", last);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      errors = "log unreadable: " + e.getMessage();
    }
    return "nodes not plainly allocated: ["
        + nodes
        + "], slurmd running: "
        + bare.slurmdPids().size()
        + ", slurmctld errors: "
        + errors;
  }

  private static void memory(Map<String, Object> r, long controlKib, List<Long> slurmd) {
    List<Double> mib = slurmd.stream().map(pid -> Procs.rssKib(pid) / 1024.0).toList();
    Stats s = Stats.of(mib);
    r.put("slurmdProcesses", mib.size());
    r.put("controlRssMiB", round1(controlKib / 1024.0));
    r.put("slurmdRssAvgMiB", s.mean() == null ? null : round1(s.mean()));
    r.put("slurmdRssMaxMiB", s.max() == null ? null : round1(s.max()));
    r.put("slurmdRssSumMiB", round1(mib.stream().mapToDouble(Double::doubleValue).sum()));
  }

  private static long pidRss(Path pidFile) {
    try {
      return Procs.rssKib(Long.parseLong(Files.readString(pidFile).strip()));
    } catch (Exception e) {
      return 0;
    }
  }

  /** Waits until the job left the queue; returns that time (the start of the idle period). */
  private static double awaitJobGone(SlurmCli slurm, Path conf, long job, int n) {
    OpenPcsLab.await(
        Duration.ofSeconds(120 + n),
        () -> !slurm.queue(conf).containsKey(job),
        () -> "job " + job + " finished");
    return ColdStart.now();
  }

  interface Count {
    int get();
  }

  /** Job end → no slurmd left (what stops the bill), and → every node powered down in Slurm. */
  private void scaleDown(
      Map<String, Object> r, double end, Count slurmd, SlurmCli slurm, Path conf, int n) {
    Duration within = Duration.ofSeconds(idleSeconds + 120L + n / 2);
    OpenPcsLab.await(within, () -> slurmd.get() == 0, () -> "all slurmd stopped");
    r.put("slurmdGone", BenchReport.sec(ColdStart.now() - end));
    OpenPcsLab.await(
        within,
        () -> {
          var states = slurm.nodes(conf).values();
          return states.size() >= n && states.stream().allMatch(s -> s.endsWith("~"));
        },
        () -> "all nodes idle~");
    r.put("allPoweredDown", BenchReport.sec(ColdStart.now() - end));
  }

  private static void ratio(
      BenchReport report,
      int n,
      Map<String, Object> o,
      Map<String, Object> f,
      String key,
      String label) {
    if (!(o.get(key) instanceof Double a) || !(f.get(key) instanceof Double b) || b <= 0) {
      return;
    }
    double x = a / b;
    report.notes.add(
        String.format(
            Locale.ROOT,
            "%d nodes, %s: OpenPCS %.2f s vs floor %.2f s = %.2fx (target <= %.2fx: %s)",
            n,
            label,
            a,
            b,
            x,
            ColdStartBenchCommand.TARGET_RATIO,
            x <= ColdStartBenchCommand.TARGET_RATIO ? "met" : "missed"));
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
