package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openpcs.slurm.ItSupport.await;
import static org.openpcs.slurm.ItSupport.sbatch;
import static org.openpcs.slurm.ItSupport.slurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openpcs.domain.CustomSetting;

/**
 * One real cluster (own munged, own slurmctld, file-based slurmd on this host) driven through
 * {@link ControllerDaemons}: jobs run, and survive a reconfigure, a restart that adds a node and a
 * slurmctld crash; stopping leaves nothing behind. The scenarios build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerDaemonsIT {
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(40);

  private final Map<String, Long> timingsMillis = new LinkedHashMap<>();
  private SlurmInstallation inst;
  private Path root;
  private ClusterPaths paths;
  private ControllerDaemons daemons;
  private Scontrol scontrol;
  private int basePort;
  private SlurmConfig config;
  private final List<String> restartsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
  private AutoCloseable restartListener = () -> {};

  @BeforeAll
  void startCluster() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (SlurmUser=root)");
    Optional<SlurmInstallation> found = SlurmInstallation.detect();
    assumeTrue(found.isPresent() && found.get().complete(), "Slurm and munge are not installed");
    inst = found.get();
    try {
      root = Files.createTempDirectory("openpcs-slurm-it-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    paths = new ClusterPaths(root);
    restartListener =
        ControllerDaemons.onRestart(
            (cluster, daemon) -> {
              if (cluster.equals(root)) {
                restartsSeen.add(daemon);
              }
            });
    basePort = ItSupport.freePortBlock(5);
    daemons = new ControllerDaemons(inst, paths);
    scontrol = new Scontrol(inst, paths);
    config =
        config(
            List.of(node("n1", 1), node("n2", 2), gpuNode()),
            List.of(queue("gpu", "g1"), queue("q1", "n1", "n2")));

    long t0 = System.nanoTime();
    daemons.prepare();
    byte[] key = new byte[1024];
    new SecureRandom().nextBytes(key);
    daemons.writeMungeKey(key);
    daemons.writeConfig(SlurmConfRenderer.render(config));
    daemons.startMunged();
    timing("munged up", t0);
    long t1 = System.nanoTime();
    daemons.startSlurmctld();
    timing("slurmctld up (ping)", t1);
    long t2 = System.nanoTime();
    ItSupport.startSlurmd(inst, paths, "n1", 0);
    ItSupport.startSlurmd(inst, paths, "n2", 0);
    ItSupport.startSlurmd(inst, paths, "g1", 2);
    await(
        "n1, n2 and g1 idle",
        Duration.ofSeconds(20),
        paths,
        () -> idle("n1") && idle("n2") && idle("g1"));
    timing("3 slurmd idle", t2);
  }

  @AfterAll
  void tearDown() throws Exception {
    restartListener.close();
    try {
      if (daemons != null && daemons.ping()) {
        slurm(inst, paths, "scancel", "--full", "-u", "root");
        await(
            "jobs gone",
            Duration.ofSeconds(15),
            paths,
            () -> slurm(inst, paths, "squeue", "-h").stdout().isBlank());
      }
    } catch (RuntimeException | AssertionError e) {
      // teardown continues: stopAll kills what is left
    } finally {
      try {
        if (daemons != null) {
          daemons.stopAll();
        }
      } finally {
        if (root != null) {
          // Whatever survived a failure above is stopped by pid before the directory goes.
          String dir = root + "/";
          List<Long> stray = new ArrayList<>();
          for (long pid : Procs.all()) {
            if (String.join(" ", Procs.cmdline(pid)).contains(dir)
                || Procs.environ(pid, "SLURM_CONF").orElse("").startsWith(dir)) {
              stray.add(pid);
            }
          }
          Procs.stop(stray, Duration.ofSeconds(3));
          if (Boolean.getBoolean("openpcs.it.keep")) {
            System.out.println("kept " + root);
          } else {
            ItSupport.deleteTree(root);
            ItSupport.deleteTree(paths.spool());
          }
        }
        System.out.println("ControllerDaemonsIT timings (ms): " + timingsMillis);
      }
    }
  }

  @Test
  @Order(1)
  void aTwoNodeJobRunsOnTheFreshCluster() throws Exception {
    DaemonState state = daemons.state();
    assertThat(state.allRunning()).isTrue();
    assertThat(daemons.ping()).isTrue();
    // Detached: not our children, not in our session, so the server's death does not reach them.
    long self = ProcessHandle.current().pid();
    for (long pid : List.of(state.munged().pid(), state.slurmctld().pid())) {
      assertThat(ItSupport.statField(pid, 4)).isNotEqualTo(self);
      assertThat(ItSupport.statField(pid, 6)).isNotEqualTo(ItSupport.statField(self, 6));
    }
    // No signal mask inherited from the JVM: SIGTERM still stops them (slurmctld blocks it itself
    // and handles it in a signal thread, so only munged and slurmd are checked).
    long slurmd = Long.parseLong(Files.readString(paths.run().resolve("slurmd-n1.pid")).strip());
    assertThat(ItSupport.sigtermBlocked(state.munged().pid())).isFalse();
    assertThat(ItSupport.sigtermBlocked(slurmd)).isFalse();

    long t = System.nanoTime();
    long job = sbatch(inst, paths, "q1", 2, "srun hostname");
    awaitJob(job, "COMPLETED");
    timing("2-node srun job submitted -> COMPLETED", t);

    List<String> out = Files.readAllLines(paths.log().resolve("job-" + job + ".out"));
    assertThat(out).hasSize(2);
    assertThat(out).allMatch(line -> line.equals(HostName.shortName()));
  }

  @Test
  @Order(2)
  void aSimulatedGpuNodeRegistersAndHandsOutGpus() throws Exception {
    // CPUs and memory above this host's hardware: accepted thanks to
    // SlurmdParameters=config_overrides.
    NodeStatus g1 = node("g1");
    assertThat(g1.baseState()).isEqualTo("IDLE");
    assertThat(g1.flags()).doesNotContain("DRAIN", "INVALID_REG");

    CommandResult r =
        slurm(
            inst,
            paths,
            "sbatch",
            "--parsable",
            "-p",
            "gpu",
            "--gres=gpu:1",
            "--chdir=" + paths.tmp(),
            "-o",
            paths.log().resolve("job-%j.out").toString(),
            "--wrap",
            "echo gpus=$CUDA_VISIBLE_DEVICES");
    assertThat(r.ok()).as(r.describe()).isTrue();
    long job = Long.parseLong(r.stdout().strip());
    awaitJob(job, "COMPLETED");
    assertThat(Files.readAllLines(paths.log().resolve("job-" + job + ".out")))
        .containsExactly("gpus=0");
  }

  @Test
  @Order(3)
  void drainAndResumeWithAnOpenPcsReason() {
    scontrol.updateNode("n2", "DRAIN", "openpcs: drained by the IT");
    NodeStatus drained = node("n2");
    assertThat(drained.flags()).contains("DRAIN");
    assertThat(drained.reason()).isEqualTo("openpcs: drained by the IT");

    scontrol.updateNode("n2", "RESUME", null);
    await("n2 undrained", Duration.ofSeconds(5), paths, () -> !node("n2").has("DRAIN"));
  }

  @Test
  @Order(4)
  void reconfigureAddsAPartitionWhileAJobRuns() {
    long job = sbatch(inst, paths, "q1", 1, "sleep 5");
    awaitJob(job, "RUNNING");

    SlurmConfig next =
        config(
            config.nodes(),
            List.of(queue("gpu", "g1"), queue("q1", "n1", "n2"), queue("q2", "n2")));
    ApplyMethod plan = ChangePlanner.plan(config, next);
    assertThat(plan).isEqualTo(ApplyMethod.RECONFIGURE);
    long t = System.nanoTime();
    daemons.writeConfig(SlurmConfRenderer.render(next));
    daemons.apply(plan);
    timing("reconfigure (add partition)", t);
    config = next;

    assertThat(job(job).state()).isEqualTo("RUNNING");
    assertThat(slurm(inst, paths, "sinfo", "-h", "-o", "%P").stdout().lines()).contains("q1", "q2");
    awaitJob(job, "COMPLETED");
    assertThat(restarts(job)).isZero();
  }

  @Test
  @Order(5)
  void restartAfterAddingANodeKeepsTheRunningAndThePendingJob() {
    long running = sbatch(inst, paths, "q1", 2, "sleep 8");
    awaitJob(running, "RUNNING");
    long pending = sbatch(inst, paths, "q1", 2, "sleep 1");
    await(
        "second job pending",
        Duration.ofSeconds(10),
        paths,
        () -> job(pending).state().equals("PENDING"));

    SlurmConfig next =
        config(
            List.of(node("n1", 1), node("n2", 2), gpuNode(), node("n3", 3)),
            List.of(queue("gpu", "g1"), queue("q1", "n1", "n2", "n3"), queue("q2", "n2")));
    ApplyMethod plan = ChangePlanner.plan(config, next);
    assertThat(plan).isEqualTo(ApplyMethod.RESTART);
    long oldPid = daemons.state().slurmctld().pid();
    long t = System.nanoTime();
    daemons.writeConfig(SlurmConfRenderer.render(next));
    daemons.apply(plan);
    timing("restart slurmctld (add node) incl. reconfigure push", t);
    config = next;
    assertThat(daemons.state().slurmctld().pid()).isNotEqualTo(oldPid);
    ItSupport.startSlurmd(inst, paths, "n3", 0);

    assertThat(job(running).state()).isEqualTo("RUNNING");
    assertThat(job(pending).state()).isIn("PENDING", "RUNNING", "COMPLETED");
    awaitJob(running, "COMPLETED");
    awaitJob(pending, "COMPLETED");
    assertThat(restarts(running)).isZero();
    await("n3 idle", Duration.ofSeconds(20), paths, () -> idle("n3"));
    // Neither the first starts nor a restart for a config change are crashes.
    assertThat(restartsSeen).isEmpty();
  }

  @Test
  @Order(6)
  void aKilledSlurmctldIsSeenDeadAndAStartFinishesTheRunningJob() throws Exception {
    long job = sbatch(inst, paths, "q1", 1, "sleep 6");
    awaitJob(job, "RUNNING");
    // slurmctld saves job state asynchronously; a crash loses what was not yet written (lab §5).
    Instant running = Instant.now();
    Path jobState = paths.state().resolve("job_state");
    await(
        "job state saved",
        Duration.ofSeconds(10),
        paths,
        () -> lastModified(jobState).isAfter(running));

    long pid = daemons.state().slurmctld().pid();
    Procs.kill(pid);
    assertThat(Procs.awaitExit(pid, Duration.ofSeconds(5))).isTrue();
    assertThat(daemons.state().slurmctld().running()).isFalse();
    assertThat(daemons.state().munged().running()).isTrue();
    assertThat(daemons.ping()).isFalse();

    long t = System.nanoTime();
    daemons.startSlurmctld();
    timing("slurmctld start after kill -9", t);
    assertThat(restartsSeen).containsExactly("slurmctld");
    assertThat(job(job).state()).isIn("RUNNING", "COMPLETED");
    awaitJob(job, "COMPLETED");
    assertThat(restarts(job)).isZero();
  }

  @Test
  @Order(7)
  void stopAllLeavesNoProcessOfTheCluster() {
    slurm(inst, paths, "scancel", "--full", "-u", "root");
    long t = System.nanoTime();
    daemons.stopAll();
    timing("stopAll", t);

    assertThat(daemons.state().munged().running()).isFalse();
    assertThat(daemons.state().slurmctld().running()).isFalse();
    assertThat(ItSupport.processesReferencing(root)).isEmpty();
    assertThat(daemons.ping()).isFalse();
  }

  @Test
  @Order(8)
  void aRecycledPidInAPidFileIsNotMistakenForTheDaemon() throws Exception {
    Process stranger = new ProcessBuilder("sleep", "30").start();
    try {
      Files.writeString(paths.run().resolve("slurmctld.pid"), stranger.pid() + "\n");
      Files.writeString(paths.mungeDir().resolve("munged.pid"), stranger.pid() + "\n");

      DaemonState state = daemons.state();

      assertThat(state.slurmctld().running()).isFalse();
      assertThat(state.munged().running()).isFalse();
      assertThat(Procs.alive(stranger.pid())).isTrue();
    } finally {
      stranger.destroyForcibly().waitFor();
    }
  }

  // ------------------------------------------------------------------ helpers

  private SlurmConfig config(List<NodeLine> nodes, List<PartitionLine> partitions) {
    ControllerConfig cc =
        new ControllerConfig(
            "openpcs-it",
            "127.0.0.1",
            basePort,
            256,
            300,
            30,
            null,
            null,
            null,
            null,
            List.of(new CustomSetting("MinJobAge", "300")),
            List.of());
    return new SlurmConfig(paths, cc, nodes, partitions);
  }

  private NodeLine node(String name, int offset) {
    return new NodeLine(
        name, "127.0.0.1", basePort + offset, false, 1, 1000, 0, List.of("it", "local"), List.of());
  }

  private NodeLine gpuNode() {
    return new NodeLine(
        "g1",
        "127.0.0.1",
        basePort + 4,
        false,
        4,
        64000,
        2,
        List.of("gpu", "g4dn.xlarge"),
        List.of());
  }

  private static PartitionLine queue(String name, String... nodes) {
    return new PartitionLine(name, List.of(nodes), "UP", List.of());
  }

  private NodeStatus node(String name) {
    return scontrol.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  private boolean idle(String name) {
    return scontrol.nodes().stream()
        .anyMatch(
            n -> n.name().equals(name) && n.baseState().equals("IDLE") && n.flags().isEmpty());
  }

  private JobStatus job(long id) {
    return scontrol.jobs().stream().filter(j -> j.id() == id).findFirst().orElseThrow();
  }

  private void awaitJob(long id, String state) {
    await(
        "job " + id + " " + state,
        JOB_TIMEOUT,
        paths,
        () -> {
          String current = job(id).state();
          if (!current.equals(state)
              && List.of("FAILED", "CANCELLED", "NODE_FAIL", "TIMEOUT").contains(current)) {
            throw new AssertionError(
                "job " + id + " ended " + current + " while waiting for " + state);
          }
          return current.equals(state);
        });
  }

  /** How often Slurm requeued the job: 0 means it really kept running. */
  private int restarts(long id) {
    String show = slurm(inst, paths, "scontrol", "show", "job", Long.toString(id)).stdout();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Restarts=(\\d+)").matcher(show);
    assertThat(m.find()).as("Restarts= in %s", show).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static Instant lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (java.io.IOException e) {
      return FileTime.fromMillis(0).toInstant();
    }
  }

  private void timing(String what, long startNanos) {
    timingsMillis.put(what, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
  }
}
