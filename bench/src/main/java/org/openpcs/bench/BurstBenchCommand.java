package org.openpcs.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
      description = "Node counts, e.g. 64,256 (each is one run per system and repetition).")
  List<Integer> nodes;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      description =
          "Runs per node count and system, OpenPCS and the floor taking turns; with more than one,"
              + " the ratios are of the medians.")
  int repeat;

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
      defaultValue = "-1",
      description =
          "Before the measured burst, one burst of this many nodes on a throw-away cluster, so"
              + " the measured one runs on a JIT-compiled server as in production (default: as"
              + " many as the measured burst; 0: a cold JVM).")
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
          "scale-up CPU s",
          "of it bench JVM s",
          "RUNNING s",
          "down: slurmd gone s",
          "down: all idle~ s",
          "server/ctld RSS MiB",
          "slurmd RSS avg MiB",
          "slurmd RSS max MiB",
          "slurmd RSS sum MiB");

  @Override
  public Integer call() {
    if (repeat < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--repeat must be at least 1, not " + repeat);
    }
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report = new BenchReport("burst", COLUMNS);
    report.settings.put("nodes", nodes);
    report.settings.put("idleSeconds", idleSeconds);
    report.settings.put("startPoweredUpJobs", startPoweredUpJobs);
    report.settings.put("warmupNodes", warmupNodes < 0 ? "as many as the burst" : warmupNodes);
    report.settings.put("repeat", repeat);
    List<Map<String, Object>> raw = new ArrayList<>();
    for (int n : nodes) {
      List<Map<String, Object>> os = new ArrayList<>();
      List<Map<String, Object>> fs = new ArrayList<>();
      for (int i = 0; i < repeat; i++) {
        if (!system.equals("floor")) {
          add(report, raw, os, n, run(report, "openpcs", n, () -> openpcs(n)));
        }
        if (!system.equals("openpcs")) {
          add(report, raw, fs, n, run(report, "floor", n, () -> floor(n)));
        }
      }
      if (!os.isEmpty() && !fs.isEmpty()) {
        BurstComparison c = new BurstComparison(report, n, os, fs);
        c.ratio("running", "sbatch -> RUNNING");
        c.ratio("allResponding", "sbatch -> all slurmd responding");
        c.ratio("slurmdGone", "job end -> all slurmd stopped");
        c.cpu();
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

  private static void add(
      BenchReport report,
      List<Map<String, Object>> raw,
      List<Map<String, Object>> runs,
      int n,
      Map<String, Object> r) {
    if (r == null) {
      return;
    }
    raw.add(r);
    runs.add(r);
    report.row(
        r.get("system"),
        n,
        r.get("allResponding"),
        r.get("scaleUpCpu"),
        r.get("scaleUpJvmCpu"),
        r.get("running"),
        r.get("slurmdGone"),
        r.get("allPoweredDown"),
        r.get("controlRssMiB"),
        r.get("slurmdRssAvgMiB"),
        r.get("slurmdRssMaxMiB"),
        r.get("slurmdRssSumMiB"));
  }

  /**
   * The machine's busy CPU seconds from sbatch until the last slurmd responded: everything both
   * systems ran meanwhile (slurmctld, slurmd, and for OpenPCS the server, its agents and their
   * daemons; the bench's own polls for both), and the part of it this JVM used itself (for OpenPCS
   * the server and its in-process agents, without the processes they start). The machine must be
   * otherwise quiet.
   */
  private static void scaleUpCpu(
      Map<String, Object> r, CpuTimeline cpu, double t0, Map<String, Double> p) {
    Double responding = p.get(ColdStart.RESPONDING);
    CpuTimeline.Usage u = responding == null ? null : cpu.between(t0, t0 + responding);
    r.put("scaleUpCpu", u == null ? null : BenchReport.sec(u.machine()));
    r.put("scaleUpJvmCpu", u == null ? null : BenchReport.sec(u.process()));
  }

  private static Map<String, Object> run(BenchReport report, String system, int n, Run r) {
    try {
      return r.go();
    } catch (RuntimeException e) {
      report.failures.add(system + " " + n + " nodes: " + e);
      return null;
    }
  }

  /**
   * The warm-up's size for an N-node burst. As large as the burst by default: after a 16-node
   * warm-up the first measured 256-node burst still spent 4–7 CPU-s more in this JVM than the next
   * two (the JIT compilers were 13.6 % of the machine's CPU in that burst); after a 256-node one
   * the first measured burst spent what the later ones did.
   */
  int warmupSize(int n) {
    return warmupNodes < 0 ? n : Math.min(n, warmupNodes);
  }

  Map<String, Object> openpcs(int n) {
    try (OpenPcsLab lab = new OpenPcsLab(n, startPoweredUpJobs);
        CpuTimeline cpu = new CpuTimeline()) {
      int warm = warmupSize(n);
      if (warm > 0) {
        lab.warmUp(warm, instanceType);
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
              lab,
              e,
              e.groupName() + "-[1-" + n + "]",
              n,
              Duration.ofSeconds(120 + n),
              ColdStart.BURST_POLL,
              p,
              job);
      long ctldRss = pidRss(lab.clusterDir(e.clusterId()).resolve("run/slurmctld.pid"));
      memory(r, OpenPcsLab.serverRssKib() + ctldRss, Procs.slurmd(Procs.usingDir(lab.dataDir)));
      ColdStart.addSlurmctldSteps(lab.slurmctldLog(e.clusterId()), job[0], names, t0, p);
      ColdStart.addScalingSteps(lab.scalingSteps(e.clusterId()), names, t0, p);
      r.put("steps", p);
      r.put("running", BenchReport.sec(p.get(ColdStart.RUNNING)));
      r.put("allResponding", BenchReport.sec(p.get(ColdStart.RESPONDING)));
      scaleUpCpu(r, cpu, t0, p);
      double end = awaitJobGone(lab.slurm, conf, job[0], n);
      scaleDown(r, end, () -> Procs.slurmd(Procs.usingDir(lab.dataDir)).size(), lab.slurm, conf, n);
      return r;
    }
  }

  Map<String, Object> floor(int n) {
    try (FloorCluster bare = new FloorCluster(n, idleSeconds);
        CpuTimeline cpu = new CpuTimeline()) {
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
                ColdStart.BURST_POLL,
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
      scaleUpCpu(r, cpu, t0, p);
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

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
