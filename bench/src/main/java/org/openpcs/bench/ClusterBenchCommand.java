package org.openpcs.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench cluster}: time to a usable cluster, as a user gets one through the API:
 * CreateCluster → ACTIVE (munged and slurmctld running), then an elastic node group (0 nodes) and a
 * queue → ACTIVE, then {@code sbatch} accepted. Slurm needs a partition to accept a job, and in PCS
 * a partition is a queue, so "usable" includes the group and the queue. Each repetition creates a
 * new cluster on one server and deletes it afterwards (deletion is not timed).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "CreateCluster -> ACTIVE -> group and queue ACTIVE -> sbatch accepted.")
public final class ClusterBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--repetitions", defaultValue = "5")
  int repetitions;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  static final double TARGET_SECONDS = 3.0;
  static final List<String> STEPS =
      List.of(
          "CreateCluster -> ACTIVE",
          "+ CreateComputeNodeGroup -> ACTIVE",
          "+ CreateQueue -> ACTIVE",
          "+ sbatch accepted (total)");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report =
        new BenchReport(
            "cluster", List.of("step (s after CreateCluster)", "n", "median", "p90", "min", "max"));
    report.settings.put("repetitions", repetitions);
    Map<String, List<Double>> series = new LinkedHashMap<>();
    STEPS.forEach(s -> series.put(s, new ArrayList<>()));
    List<Map<String, Double>> raw = new ArrayList<>();
    try (OpenPcsLab lab = new OpenPcsLab(2)) {
      for (int i = 1; i <= repetitions; i++) {
        Map<String, Double> r = once(lab, "usable" + i);
        raw.add(r);
        r.forEach((k, v) -> series.get(k).add(v));
        lab.deleteEverything();
      }
    } catch (RuntimeException e) {
      report.failures.add(e.toString());
    }
    for (var e : series.entrySet()) {
      Stats s = Stats.of(e.getValue());
      if (s.n() > 0) {
        report.row(e.getKey(), s.n(), s.median(), s.p90(), s.min(), s.max());
      }
    }
    Stats total = Stats.of(series.get(STEPS.get(3)));
    if (total.n() > 0) {
      report.notes.add(
          String.format(
              Locale.ROOT,
              "usable cluster: median %.2f s, p90 %.2f s (target < %.0f s: %s)",
              total.median(),
              total.p90(),
              TARGET_SECONDS,
              total.p90() < TARGET_SECONDS ? "met" : "missed"));
    }
    report.samples.put("repetitions", raw);
    report.loadAverageAfter = Machine.current().loadAverage();
    report.print(out);
    if (json != null) {
      report.writeJson(json);
    }
    return report.failures.isEmpty() ? 0 : 1;
  }

  static Map<String, Double> once(OpenPcsLab lab, String name) {
    Map<String, Double> r = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    String c = lab.createClusterAsync(name, 600, "SMALL");
    lab.awaitClusterActive(c, Duration.ofSeconds(60));
    r.put(STEPS.get(0), secondsSince(t0));
    String g = lab.createGroupAsync(c, name + "-g", 0, 2, "c5.large");
    lab.awaitGroupActive(c, g, Duration.ofSeconds(60));
    r.put(STEPS.get(1), secondsSince(t0));
    String q = lab.createQueueAsync(c, "work", g);
    lab.awaitQueueActive(c, q, Duration.ofSeconds(60));
    r.put(STEPS.get(2), secondsSince(t0));
    // --hold: accepted and queued, but the bench does not wait for (or pay for) a node.
    long job =
        lab.slurm.sbatch(
            lab.slurmConf(c), "-p", "work", "--hold", "-o", "/dev/null", "--wrap", "true");
    r.put(STEPS.get(3), secondsSince(t0));
    // a queue with a job in it is not deleted until the job is gone
    lab.slurm.run(lab.slurmConf(c), "scancel", Long.toString(job));
    return r;
  }

  private static double secondsSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
  }
}
