package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.pcs.model.SlurmCustomSetting;
import software.amazon.awssdk.services.pcs.model.ValidationException;

/** Issue 3's scenarios against real slurmctld/slurmd processes and local instances. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagedClusterIT {
  private SlurmHarness h;

  @BeforeAll
  void start() {
    h = new SlurmHarness();
  }

  @AfterAll
  void stop() {
    h.close();
    assertThat(h.processesUsingDataDir())
        .as("no daemon survives the deletion of every resource")
        .isEmpty();
  }

  @Test
  void aStaticGroupRunsAMultiNodeJobAndAJobArray() throws Exception {
    String c = h.createCluster("static-run");
    String g = h.createGroup(c, "compute", 2, 2);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1", "compute-2");

    Path out = h.dataDir.resolve("two-node.out");
    long job =
        h.sbatch(
            c,
            "-p",
            "batch",
            "-N2",
            "-o",
            out.toString(),
            "--wrap",
            "srun bash -c 'echo task on $SLURMD_NODENAME'");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(60));
    assertThat(Files.readAllLines(out))
        .containsExactlyInAnyOrder("task on compute-1", "task on compute-2");

    Path arrayOut = h.dataDir.resolve("array");
    Files.createDirectories(arrayOut);
    long array =
        h.sbatch(
            c,
            "-p",
            "batch",
            "--array=1-4",
            "-o",
            arrayOut.resolve("%a.out").toString(),
            "--wrap",
            "echo element $SLURM_ARRAY_TASK_ID");
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () -> h.run(c, "squeue", "-h", "-j", String.valueOf(array)).output().isEmpty(),
        () -> "array " + array + " done");
    for (int i = 1; i <= 4; i++) {
      assertThat(Files.readString(arrayOut.resolve(i + ".out")).strip()).isEqualTo("element " + i);
    }
  }

  @Test
  void twoClustersStayIsolated() throws Exception {
    String a = h.createCluster("iso-a");
    String ga = h.createGroup(a, "compute", 1, 1);
    h.createQueue(a, "work", ga);
    String b = h.createCluster("iso-b");
    String gb = h.createGroup(b, "compute", 1, 1);
    h.createQueue(b, "work", gb);
    h.awaitNodesUp(a, "compute-1");

    long job = h.sbatch(a, "-p", "work", "--wrap", "sleep 30");
    assertThat(h.slurm(a, "squeue", "-h", "-o", "%i")).contains(String.valueOf(job));
    assertThat(h.slurm(b, "squeue", "-h", "-o", "%i")).doesNotContain(String.valueOf(job));

    // B's key cannot talk to A: A's configuration pointed at B's munged is refused.
    String conf = Files.readString(h.slurmConf(a));
    Path mixed = h.dataDir.resolve("a-with-b-key.conf");
    String socketA =
        new org.openpcs.slurm.ClusterPaths(h.dataDir.resolve("clusters").resolve(a))
            .mungeSocket()
            .toString();
    String socketB =
        new org.openpcs.slurm.ClusterPaths(h.dataDir.resolve("clusters").resolve(b))
            .mungeSocket()
            .toString();
    assertThat(conf).contains(socketA);
    Files.writeString(mixed, conf.replace(socketA, socketB));
    ProcessBuilder pb = new ProcessBuilder("squeue", "-h").redirectErrorStream(true);
    pb.environment().put("SLURM_CONF", mixed.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("squeue with the other cluster's key: %s", output).isNotZero();
    h.slurm(a, "scancel", String.valueOf(job));
  }

  @Test
  void changesWhileAJobRunsKeepRunningAndPendingJobs() {
    String c = h.createCluster("live-change");
    String g = h.createGroup(c, "compute", 1, 1);
    h.createQueue(c, "first", g);
    h.awaitNodesUp(c, "compute-1");
    long running = h.sbatch(c, "-p", "first", "--wrap", "sleep 25");
    h.awaitJob(c, running, "RUNNING", Duration.ofSeconds(60));
    long pending = h.sbatch(c, "-p", "first", "--wrap", "true");

    h.createQueue(c, "second", g);
    String g2 = h.createGroup(c, "extra", 1, 1);
    h.createQueue(c, "third", g2);
    h.pcs.updateCluster(
        r ->
            r.clusterIdentifier(c)
                .slurmConfiguration(
                    s ->
                        s.slurmCustomSettings(
                            SlurmCustomSetting.builder()
                                .parameterName("MinJobAge")
                                .parameterValue("120")
                                .build())));
    SlurmHarness.await(
        Duration.ofSeconds(60),
        () ->
            h.pcs
                .getCluster(r -> r.clusterIdentifier(c))
                .cluster()
                .statusAsString()
                .equals("ACTIVE"),
        () -> "cluster ACTIVE after update");

    assertThat(h.jobState(c, running)).isEqualTo("RUNNING");
    assertThat(h.jobState(c, pending)).isEqualTo("PENDING");
    assertThat(h.slurm(c, "scontrol", "show", "config")).containsPattern("MinJobAge\\s*=\\s*120");
    assertThat(h.slurm(c, "sinfo", "-h", "-o", "%P")).contains("second", "third");
    h.awaitJob(c, running, "COMPLETED", Duration.ofSeconds(60));
    h.awaitJob(c, pending, "COMPLETED", Duration.ofSeconds(60));
  }

  @Test
  void aKilledSlurmctldIsBackWithinSecondsAndItsJobFinishes() throws Exception {
    String c = h.createCluster("crash-ctld");
    String g = h.createGroup(c, "compute", 1, 1);
    h.createQueue(c, "batch", g);
    h.awaitNodesUp(c, "compute-1");
    long job = h.sbatch(c, "-p", "batch", "--wrap", "sleep 12");
    h.awaitJob(c, job, "RUNNING", Duration.ofSeconds(60));
    // slurmctld saves its state a moment after a change; a crash before that loses the newest
    // job in any Slurm (lab §5), so crash once the running job is on disk, as a real crash would.
    Path jobState = h.dataDir.resolve("clusters").resolve(c).resolve("state/job_state");
    java.time.Instant running = java.time.Instant.now();
    SlurmHarness.await(
        Duration.ofSeconds(30), () -> modified(jobState).isAfter(running), () -> "job state saved");

    long pid =
        Long.parseLong(
            Files.readString(h.dataDir.resolve("clusters").resolve(c).resolve("run/slurmctld.pid"))
                .strip());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    SlurmHarness.await(
        Duration.ofSeconds(20),
        () ->
            h.run(c, "scontrol", "ping").output().contains("UP")
                && !String.valueOf(pid).equals(readPid(c)),
        () -> "slurmctld back");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(60));
    SlurmHarness.await(
        Duration.ofSeconds(10),
        () -> !h.pcs.getCluster(r -> r.clusterIdentifier(c)).cluster().errorInfo().isEmpty(),
        () -> "errorInfo about the restart");
    assertThat(h.pcs.getCluster(r -> r.clusterIdentifier(c)).cluster().errorInfo().get(0).message())
        .contains("restarted");
  }

  @Test
  void maliciousSettingsAreRefusedAndTheConfigIsUnchanged() throws Exception {
    String c = h.createCluster("guarded");
    String before = Files.readString(h.slurmConf(c));
    for (String[] bad :
        new String[][] {
          {"NoSuchParameter", "1"},
          {"MinJobAge", "30\nSlurmUser=nobody"},
          {"MinJobAge", "30#x"},
          {"SchedulerParameters", "x SlurmctldPort=1"},
          {"Prolog", "relative/path"}
        }) {
      assertThatThrownBy(
              () ->
                  h.pcs.updateCluster(
                      r ->
                          r.clusterIdentifier(c)
                              .slurmConfiguration(
                                  s ->
                                      s.slurmCustomSettings(
                                          SlurmCustomSetting.builder()
                                              .parameterName(bad[0])
                                              .parameterValue(bad[1])
                                              .build()))))
          .as("setting %s=%s", bad[0], bad[1])
          .isInstanceOf(ValidationException.class)
          .satisfies(e -> assertThat(((ValidationException) e).fieldList()).isNotEmpty());
    }
    assertThat(Files.readString(h.slurmConf(c))).isEqualTo(before);
    assertThat(h.pcs.getCluster(r -> r.clusterIdentifier(c)).cluster().statusAsString())
        .isEqualTo("ACTIVE");
  }

  private static java.time.Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (java.io.IOException e) {
      return java.time.Instant.EPOCH;
    }
  }

  private String readPid(String c) {
    try {
      return Files.readString(h.dataDir.resolve("clusters").resolve(c).resolve("run/slurmctld.pid"))
          .strip();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
