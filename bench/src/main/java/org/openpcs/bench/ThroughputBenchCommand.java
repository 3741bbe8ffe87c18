package org.openpcs.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench throughput}: a job array of short jobs on nodes that are already up, timed
 * from {@code sbatch} until every task has ended, next to the same on the floor. A managed service
 * must not slow Slurm down where no node starts: this is where every per-job cost the control plane
 * adds to Slurm (such as the start gate's look at the job's nodes, D55) shows, since the jobs
 * themselves do nothing. Rounds alternate between the two systems so both see the same load.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description =
        "A job array of short jobs on running nodes: sbatch -> all ended, OpenPCS vs a bare Slurm"
            + " floor.")
public final class ThroughputBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "4", description = "Nodes, all up before the rounds.")
  int nodes;

  @Option(names = "--jobs", defaultValue = "200", description = "Tasks of each round's job array.")
  int jobs;

  @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per system.")
  int rounds;

  @Option(names = "--system", defaultValue = "both", description = "openpcs, floor or both.")
  String system;

  @Option(names = "--instance-type", defaultValue = "c5.large")
  String instanceType;

  @Option(
      names = "--floor-setting",
      paramLabel = "KEY=VALUE",
      description =
          "An extra slurm.conf line for the floor (repeatable), such as"
              + " SchedulerParameters=batch_sched_delay=0, which OpenPCS renders: it takes that"
              + " difference out of the comparison. The floor has Slurm's defaults otherwise.")
  List<String> floorSettings = new ArrayList<>();

  @Option(
      names = "--static-only",
      description =
          "OpenPCS's cluster has its static group only: no power saving, so no start gate. By"
              + " default it also has an elastic group (0..1, in a queue of its own), as a cluster"
              + " that scales has.")
  boolean staticOnly;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  /** Between two looks at the array: a look is a process and an RPC, on both systems alike. */
  static final Duration POLL = Duration.ofMillis(100);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report =
        new BenchReport(
            "throughput",
            List.of("system", "nodes", "jobs", "rounds", "median s", "min s", "max s", "jobs/s"));
    report.settings.put("nodes", nodes);
    report.settings.put("jobs", jobs);
    report.settings.put("rounds", rounds);
    report.settings.put("instanceType", instanceType);
    report.settings.put("floorSettings", floorSettings);
    report.settings.put("staticOnly", staticOnly);
    for (String line : floorSettings) {
      if (!line.matches("[A-Za-z]+=[^\\s]+")) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--floor-setting must be KEY=VALUE without spaces: " + line);
      }
    }
    boolean openpcs = !system.equals("floor");
    boolean floor = !system.equals("openpcs");
    List<Double> o = new ArrayList<>();
    List<Double> f = new ArrayList<>();
    OpenPcsLab lab = null;
    FloorCluster bare = null;
    try {
      Target ot = null;
      Target ft = null;
      String clusterId = null;
      if (openpcs) {
        lab = new OpenPcsLab(nodes);
        // MEDIUM: a SMALL cluster holds 256 jobs (PCS's size), ended ones included for
        // MinJobAge, and the rounds' arrays would fill it
        OpenPcsLab.Elastic e = lab.elastic("tput", 600, nodes, nodes, instanceType, "MEDIUM");
        clusterId = e.clusterId();
        ot = new Target(lab.slurm, lab.slurmConf(clusterId), e.partition());
        if (!staticOnly) {
          addElasticGroup(lab, clusterId, ot.conf());
        }
        warm(ot, nodes);
      }
      if (floor) {
        bare = new FloorCluster(nodes, 3600, floorSettings);
        ft = new Target(bare.slurm, bare.slurmConf, "work");
        warm(ft, nodes);
      }
      for (int i = 0; i <= rounds; i++) {
        // round 0 warms up both the systems' paths and this JVM; it is not counted
        int n = i == 0 ? Math.min(jobs, 2 * nodes) : jobs;
        if (ot != null) {
          double s = round(ot, n);
          if (i > 0) {
            o.add(s);
          }
        }
        if (ft != null) {
          double s = round(ft, n);
          if (i > 0) {
            f.add(s);
          }
        }
      }
      if (lab != null) {
        report.settings.put("openpcsJobsStartedByTheirGate", startedByTheirGate(lab, clusterId));
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
    addRow(report, "openpcs", o);
    addRow(report, "floor", f);
    Stats so = Stats.of(o);
    Stats sf = Stats.of(f);
    if (so.n() > 0 && sf.n() > 0) {
      report.notes.add(
          String.format(
              "OpenPCS / floor (median time to end %d jobs): %.2fx",
              jobs, so.median() / sf.median()));
    }
    report.samples.put("openpcs", o);
    report.samples.put("floor", f);
    report.loadAverageAfter = Machine.current().loadAverage();
    report.print(out);
    if (json != null) {
      report.writeJson(json);
    }
    return report.failures.isEmpty() ? 0 : 1;
  }

  private void addRow(BenchReport report, String name, List<Double> seconds) {
    Stats s = Stats.of(seconds);
    if (s.n() == 0) {
      return;
    }
    report.row(name, nodes, jobs, s.n(), s.median(), s.min(), s.max(), jobs / s.median());
  }

  /**
   * A second group, elastic, in a queue of its own, as a cluster with any elastic group has: power
   * saving, and with it the start gate every job of the cluster passes (a cluster of static groups
   * only has neither).
   */
  private void addElasticGroup(OpenPcsLab lab, String clusterId, Path conf) {
    String g = lab.createGroupAsync(clusterId, "tput-elastic", 0, 1, instanceType);
    lab.awaitGroupActive(clusterId, g, Duration.ofSeconds(120));
    String q = lab.createQueueAsync(clusterId, "spare", g);
    lab.awaitQueueActive(clusterId, q, Duration.ofSeconds(120));
    OpenPcsLab.await(
        Duration.ofSeconds(60), () -> hasStartGate(conf), () -> "the start gate in " + conf);
  }

  /**
   * Jobs slurmctld launched when their PrologSlurmctld returned (its log says so for each), which
   * shows that every measured job passed the gate.
   */
  private static long startedByTheirGate(OpenPcsLab lab, String clusterId) {
    try (var lines = Files.lines(lab.slurmctldLog(clusterId))) {
      return lines.filter(l -> l.contains("prolog_running_decr: Configuration for JobId=")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasStartGate(Path slurmConf) {
    try {
      return Files.readAllLines(slurmConf).stream().anyMatch(l -> l.startsWith("PrologSlurmctld="));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a round runs: a cluster's Slurm and the partition of its nodes. */
  record Target(SlurmCli slurm, Path conf, String partition) {}

  /** Waits until all {@code nodes} are up, by running one job on all of them. */
  static void warm(Target t, int nodes) {
    awaitEnded(t, submit(t, "-N", Integer.toString(nodes)), Duration.ofSeconds(300));
  }

  /** Submits a job of the given {@code shape} that runs {@code true}; returns its id. */
  private static long submit(Target t, String... shape) {
    List<String> args = new ArrayList<>(List.of("-p", t.partition()));
    args.addAll(List.of(shape));
    args.addAll(List.of("-o", "/dev/null", "--wrap", "true"));
    return t.slurm().sbatch(t.conf(), args.toArray(String[]::new));
  }

  /**
   * One round: an array of {@code n} one-node exclusive jobs (one job per node at a time on both
   * systems, whatever their nodes' CPU counts) that do nothing; returns the seconds from {@code
   * sbatch} until the last has ended. Fails when any task did not complete.
   */
  static double round(Target t, int n) {
    double t0 = ColdStart.now();
    long job = submit(t, "-N", "1", "--exclusive", "--array=1-" + n);
    awaitEnded(t, job, Duration.ofSeconds(60 + n));
    double seconds = ColdStart.now() - t0;
    Map<String, Long> states = t.slurm().arrayStates(t.conf(), job);
    long completed = states.getOrDefault("COMPLETED", 0L);
    if (completed != n) {
      throw new IllegalStateException(
          "job array " + job + ": " + completed + " of " + n + " tasks completed: " + states);
    }
    return seconds;
  }

  /** Polls every {@link #POLL}, not as fast as it can: the looks would load what they measure. */
  private static void awaitEnded(Target t, long job, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (t.slurm().inQueue(t.conf(), job)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job + " not ended after " + within);
      }
      OpenPcsLab.sleep(POLL.toMillis());
    }
  }
}
