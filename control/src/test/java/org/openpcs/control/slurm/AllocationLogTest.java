package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllocationLogTest {
  @TempDir Path dir;

  @Test
  void readsTheNodesOfEachKindOfAllocationLine() {
    // slurmctld 22.05's own lines, from a lab cluster's log
    assertThat(
            AllocationLog.nodesOf(
                "[2026-11-30T09:32:46.197] sched: Allocate JobId=1 NodeList=n[1-2] #CPUs=2"
                    + " Partition=cloud"))
        .containsExactly("n1", "n2");
    assertThat(
            AllocationLog.nodesOf(
                "[2026-11-30T09:32:46.197] sched/backfill: _start_job: Started JobId=7 in work on"
                    + " burst-[3,5]"))
        .containsExactly("burst-3", "burst-5");
    assertThat(
            AllocationLog.nodesOf(
                "[2026-11-30T09:32:46.197] sched: _slurm_rpc_allocate_resources JobId=9"
                    + " NodeList=c-4 usec=812"))
        .containsExactly("c-4");
  }

  @Test
  void otherLinesNameNoNodes() {
    assertThat(AllocationLog.nodesOf("[2026-11-30T09:32:48.021] sched: _update_job: setting begin"))
        .isEmpty();
    assertThat(AllocationLog.nodesOf("[2026-11-30T09:33:05.505] Node n1 now responding")).isEmpty();
    assertThat(AllocationLog.nodesOf("sched: Allocate JobId=3 NodeList=(null) #CPUs=0")).isEmpty();
  }

  @Test
  void followsOnlyWhatIsAppendedAfterTheFirstLookAndTakesWholeLines() throws IOException {
    Path log = dir.resolve("slurmctld.log");
    Files.writeString(log, "[t] sched: Allocate JobId=1 NodeList=old-1 #CPUs=1\n");
    AllocationLog follower = new AllocationLog(log);
    assertThat(follower.newlyAllocated()).as("what was logged before is history").isEmpty();

    append(log, "[t] sched: Allocate JobId=2 NodeList=n[1-2] #CPUs=2\n[t] sched: Allocate JobId=3");
    assertThat(follower.newlyAllocated()).containsExactly("n1", "n2");
    append(log, " NodeList=n3 #CPUs=1\n[t] Node n1 now responding\n");
    assertThat(follower.newlyAllocated())
        .as("the half-written line, once whole")
        .containsExactly("n3");
    assertThat(follower.newlyAllocated()).isEmpty();
  }

  @Test
  void readsAFileThatWasReplacedOrCutFromItsStart() throws IOException {
    Path log = dir.resolve("slurmctld.log");
    Files.writeString(log, "[t] something long enough to be longer than what comes next\n");
    AllocationLog follower = new AllocationLog(log);
    assertThat(follower.newlyAllocated()).isEmpty();

    Files.writeString(log, "[t] sched: Allocate JobId=4 NodeList=n4 #CPUs=1\n"); // cut
    assertThat(follower.newlyAllocated()).containsExactly("n4");

    Path rotated = dir.resolve("new.log");
    Files.writeString(rotated, "[t] sched: Allocate JobId=5 NodeList=n5 #CPUs=1\n");
    Files.move(rotated, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(follower.newlyAllocated()).as("a new file").containsExactly("n5");
  }

  @Test
  void aLogThatIsNotThereYetIsFollowedFromWhenItIsFirstSeen() throws IOException {
    Path log = dir.resolve("slurmctld.log");
    AllocationLog follower = new AllocationLog(log);
    assertThat(follower.newlyAllocated()).isEmpty();
    Files.writeString(log, "[t] slurmctld version 22.05.8 started\n");
    assertThat(follower.newlyAllocated()).isEmpty();
    append(log, "[t] sched: Allocate JobId=1 NodeList=n1 #CPUs=1\n");
    assertThat(follower.newlyAllocated()).containsExactly("n1");
  }

  private static void append(Path f, String text) throws IOException {
    Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }
}
