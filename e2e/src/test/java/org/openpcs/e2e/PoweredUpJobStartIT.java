package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server started with {@code --start-powered-up-jobs} (D20): a job whose nodes were powered up
 * for it is requeued and released once they are up, and keeps them through that requeue (D52, D53).
 */
class PoweredUpJobStartIT extends SlurmScenario {
  @Override
  SlurmHarness harness() {
    return new SlurmHarness(true);
  }

  @Test
  void aJobStartedOnItsFreshNodesKeepsThemAgainstALaterJobAndNoHoldOutlivesItsServer() {
    String c = h.createCluster("keep", 600);
    String g = h.createGroup(c, "fresh", 0, 4);
    h.createQueue(c, "work", g);
    // A hold left by a server that died during a start (nothing remembers it; it would last an
    // hour): the first look of this server removes it.
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
    // Without the hold, Slurm frees the nodes when the first job's requeue is through and gives
    // them to the later job at once, while the first one waits for its release.
    h.awaitJob(c, first, "RUNNING", Duration.ofSeconds(60));
    assertThat(h.jobState(c, later)).isEqualTo("PENDING");
    assertThat(h.slurm(c, "scontrol", "show", "job", Long.toString(first)))
        .as("started through the requeue, not at slurmctld's 30 s pass")
        .contains("Restarts=1");
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N %t"))
        .as("the job runs on the nodes powered up for it, none other booted, the hold given back")
        .isEqualTo("fresh-1 alloc\nfresh-2 alloc\nfresh-3 idle~\nfresh-4 idle~");
    assertThat(h.slurm(c, "scontrol", "show", "reservation", "-o"))
        .as("the job's hold given back, the dead server's hold removed")
        .isEqualTo("No reservations in the system");
    h.awaitJob(c, first, "COMPLETED", Duration.ofSeconds(60));
    h.awaitJob(c, later, "COMPLETED", Duration.ofSeconds(60));
  }
}
