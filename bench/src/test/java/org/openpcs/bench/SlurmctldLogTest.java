package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlurmctldLogTest {
  @Test
  void findsTheFirstMatchingLineAtOrAfterATime() {
    List<String> lines =
        List.of(
            "[2026-11-28T09:15:10.983] _slurm_rpc_submit_batch_job: JobId=3",
            "[2026-11-28T09:15:13.946] sched: Allocate JobId=3 NodeList=n3",
            "[2026-11-28T09:15:14.412] Node n3 now responding",
            "[2026-11-28T09:16:14.412] Node n3 now responding");
    double submit = SlurmctldLog.time(lines.get(0));
    double alloc = SlurmctldLog.first(lines, "sched: Allocate JobId=3 ", submit);
    assertThat(alloc - submit).isCloseTo(2.963, within(1e-6));
    double up = SlurmctldLog.first(lines, "Node n3 now responding", alloc);
    assertThat(up - alloc).isCloseTo(0.466, within(1e-6));
    assertThat(SlurmctldLog.first(lines, "Node n3 now responding", up + 1) - up)
        .isCloseTo(60, within(1e-6));
    assertThat(SlurmctldLog.first(lines, "nothing", 0)).isNull();
  }
}
