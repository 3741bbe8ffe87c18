package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A job whose nodes were powered up for it starts once they are up, through its start gate (D55):
 * Slurm 22.05 would otherwise hold it until its 30 s pass. Nothing about the job changes — no
 * requeue — and it runs on the nodes booted for it while a later job waits.
 */
class PoweredUpJobStartIT extends SlurmScenario {
  @Test
  void aJobOnItsFreshNodesStartsThroughItsGateAndNoHoldOutlivesItsServer() throws Exception {
    String c = h.createCluster("keep", 600);
    String g = h.createGroup(c, "fresh", 0, 4);
    h.createQueue(c, "work", g);
    // A hold left by a server that died during a requeued start (D53; nothing remembers it; it
    // would last an hour): the first look of this server removes it.
    h.slurm(
        c,
        "scontrol",
        "create",
        "reservation",
        "ReservationName=openpcs-hold-99",
        "Nodes=fresh-4",
        "StartTime=now",
        "Duration=60",
        "Users=root",
        "Flags=IGNORE_JOBS,OVERLAP");

    // The first one's two nodes power up for it; the later one needs three and waits.
    long first =
        h.sbatch(c, "-p", "work", "-N2", "--exclusive", "-o", "/dev/null", "--wrap", "sleep 3");
    long later =
        h.sbatch(c, "-p", "work", "-N3", "--exclusive", "-o", "/dev/null", "--wrap", "sleep 1");
    h.awaitJob(c, first, "RUNNING", Duration.ofSeconds(60));
    assertThat(h.jobState(c, later)).isEqualTo("PENDING");
    assertThat(h.slurm(c, "scontrol", "show", "job", Long.toString(first)))
        .as("not requeued")
        .contains("Restarts=0");
    String slurmctldLog =
        Files.readString(h.slurmConf(c).getParent().resolveSibling("log/slurmctld.log"));
    assertThat(slurmctldLog)
        .as("started when its PrologSlurmctld returned, not at slurmctld's 30 s pass")
        .contains("prolog_running_decr: Configuration for JobId=" + first + " is complete")
        .doesNotContain("job_time_limit: Configuration for JobId=" + first + " complete");
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N %t"))
        .as("the job runs on the nodes powered up for it, none other booted")
        .isEqualTo("fresh-1 alloc\nfresh-2 alloc\nfresh-3 idle~\nfresh-4 idle~");
    assertThat(h.slurm(c, "scontrol", "show", "reservation", "-o"))
        .as("the dead server's hold removed")
        .isEqualTo("No reservations in the system");
    java.nio.file.Path up = h.slurmConf(c).getParent().resolveSibling("power/up");
    assertThat(names(up))
        .as("the nodes the server saw up for the job it started are known up (D56)")
        .containsExactlyInAnyOrder("fresh-1", "fresh-2");

    // The later job's nodes: two known up, one powered down. Its gate must not pass on the two
    // markers: it waits for the third node and then starts the job through its gate as well.
    h.awaitJob(c, first, "COMPLETED", Duration.ofSeconds(60));
    h.awaitJob(c, later, "RUNNING", Duration.ofSeconds(60));
    assertThat(Files.readString(h.slurmConf(c).getParent().resolveSibling("log/slurmctld.log")))
        .contains("prolog_running_decr: Configuration for JobId=" + later + " is complete")
        .doesNotContain("job_time_limit: Configuration for JobId=" + later + " complete");
    assertThat(names(up)).containsExactlyInAnyOrder("fresh-1", "fresh-2", "fresh-3");
    h.awaitJob(c, later, "COMPLETED", Duration.ofSeconds(60));
  }

  private static java.util.Set<String> names(java.nio.file.Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .collect(java.util.stream.Collectors.toSet());
    }
  }
}
