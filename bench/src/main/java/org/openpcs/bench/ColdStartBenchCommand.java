package org.openpcs.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench cold-start}: a 1-node job on a powered-down node of an elastic group →
 * RUNNING, repeated, next to the same on the floor (bare slurmctld whose ResumeProgram starts
 * slurmd directly). Repetitions alternate between the two so both see the same machine load. Each
 * repetition pins its job to a node that has never run ({@code -w group-i}), so every one is cold
 * without waiting out a scale-down in between.
 */
@Command(
    name = "cold-start",
    mixinStandardHelpOptions = true,
    description = "1-node job on a node scaled to zero -> RUNNING, OpenPCS vs a bare Slurm floor.")
public final class ColdStartBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--repetitions", defaultValue = "5", description = "Cold starts per system.")
  int repetitions;

  @Option(names = "--system", defaultValue = "both", description = "openpcs, floor or both.")
  String system;

  @Option(names = "--instance-type", defaultValue = "c5.large")
  String instanceType;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Option(
      names = "--start-powered-up-jobs",
      description =
          "Run the server with --start-powered-up-jobs: a job without a start gate is requeued"
              + " and released once its nodes are up (jobs with one, every job of a cluster with"
              + " power saving, start when their nodes are up without it). OpenPCS only.")
  boolean startPoweredUpJobs;

  static final double TARGET_RATIO = 1.25;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report =
        new BenchReport(
            "cold-start",
            List.of("system", "step (s after sbatch)", "n", "median", "p90", "min", "max"));
    report.settings.put("repetitions", repetitions);
    report.settings.put("instanceType", instanceType);
    report.settings.put("startPoweredUpJobs", startPoweredUpJobs);
    boolean openpcs = !system.equals("floor");
    boolean floor = !system.equals("openpcs");
    Map<String, List<Double>> o = series();
    Map<String, List<Double>> f = series();
    List<Map<String, Double>> oRuns = new ArrayList<>();
    List<Map<String, Double>> fRuns = new ArrayList<>();
    OpenPcsLab lab = null;
    FloorCluster bare = null;
    try {
      OpenPcsLab.Elastic e = null;
      if (openpcs) {
        lab = new OpenPcsLab(repetitions, startPoweredUpJobs);
        e = lab.elastic("cold", 600, 0, repetitions, instanceType);
      }
      if (floor) {
        bare = new FloorCluster(repetitions, 600);
      }
      for (int i = 1; i <= repetitions; i++) {
        if (openpcs) {
          Map<String, Double> p = openpcs(lab, e, i);
          oRuns.add(p);
          p.forEach((k, v) -> o.get(k).add(v));
        }
        if (floor) {
          Map<String, Double> p = floor(bare, i);
          fRuns.add(p);
          p.forEach((k, v) -> f.get(k).add(v));
        }
      }
    } catch (RuntimeException ex) {
      report.failures.add(ex.toString());
    } finally {
      if (lab != null) {
        lab.close();
      }
      if (bare != null) {
        bare.close();
      }
    }
    addRows(report, "openpcs", o);
    addRows(report, "floor", f);
    ratio(report, o, f, ColdStart.RUNNING, "sbatch -> RUNNING");
    ratio(report, o, f, ColdStart.RESPONDING, "sbatch -> slurmd responding");
    report.samples.put("openpcs", oRuns);
    report.samples.put("floor", fRuns);
    report.notes.add(
        "slurmd responding -> RUNNING is Slurm 22.05's periodic job_time_limit pass (every 30 s"
            + " from slurmctld's start): it lands at a random point of that cycle on both systems");
    report.loadAverageAfter = Machine.current().loadAverage();
    report.print(out);
    if (json != null) {
      report.writeJson(json);
    }
    return report.failures.isEmpty() ? 0 : 1;
  }

  static Map<String, Double> openpcs(OpenPcsLab lab, OpenPcsLab.Elastic e, int i) {
    String node = e.groupName() + "-" + i;
    Map<String, Double> p = ColdStart.newPhases();
    long[] job = new long[1];
    double t0 =
        ColdStart.submitToOpenPcs(
            lab, e, node, 1, Duration.ofSeconds(180), ColdStart.QUICK_POLL, p, job);
    ColdStart.addSlurmctldSteps(lab.slurmctldLog(e.clusterId()), job[0], List.of(node), t0, p);
    ColdStart.addScalingSteps(lab.scalingSteps(e.clusterId()), List.of(node), t0, p);
    return p;
  }

  static Map<String, Double> floor(FloorCluster bare, int i) {
    String node = FloorCluster.nodeName(i);
    Map<String, Double> p = ColdStart.newPhases();
    long[] job = new long[1];
    double t0 =
        ColdStart.submitAndAwaitRunning(
            bare.slurm,
            bare.slurmConf,
            "work",
            node,
            1,
            Duration.ofSeconds(180),
            ColdStart.QUICK_POLL,
            p,
            job);
    Double r = ColdStart.floorResume(bare.dir.resolve("log/power.log"), t0);
    p.put(ColdStart.RESUME_PROGRAM, r == null ? null : r - t0);
    ColdStart.addSlurmctldSteps(bare.slurmctldLog(), job[0], List.of(node), t0, p);
    return p;
  }

  static Map<String, List<Double>> series() {
    Map<String, List<Double>> m = new LinkedHashMap<>();
    for (String p : ColdStart.PHASES) {
      m.put(p, new ArrayList<>());
    }
    return m;
  }

  static void addRows(BenchReport report, String system, Map<String, List<Double>> series) {
    for (var e : series.entrySet()) {
      Stats s = Stats.of(e.getValue());
      if (s.n() > 0) {
        report.row(system, e.getKey(), s.n(), s.median(), s.p90(), s.min(), s.max());
      }
    }
  }

  /** A row with OpenPCS's median and p90 over the floor's, and whether it is within 1.25x. */
  static void ratio(
      BenchReport report,
      Map<String, List<Double>> o,
      Map<String, List<Double>> f,
      String phase,
      String label) {
    Stats so = Stats.of(o.get(phase));
    Stats sf = Stats.of(f.get(phase));
    if (so.n() == 0 || sf.n() == 0) {
      return;
    }
    double med = so.median() / sf.median();
    Map<String, Object> r =
        report.row("openpcs/floor", label + " (x)", so.n(), med, so.p90() / sf.p90(), null, null);
    r.put("target", med <= TARGET_RATIO ? "met" : "missed");
    report.notes.add(
        String.format(
            java.util.Locale.ROOT,
            "%s: OpenPCS median %.2f s vs floor %.2f s = %.2fx (target <= %.2fx: %s)",
            label,
            so.median(),
            sf.median(),
            med,
            TARGET_RATIO,
            med <= TARGET_RATIO ? "met" : "missed"));
  }
}
