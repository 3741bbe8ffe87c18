package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SwfTraceTest {
  static final String LOG =
      """
      ; Version: 2.2
      ; MaxNodes: 128
      ; MaxProcs: 128
      ;
          1      0   10   100    4  -1 -1    4   200 -1 1 1 1 -1 1 -1 -1 -1
          2     30    0    -1    2  -1 -1    2   200 -1 0 1 1 -1 1 -1 -1 -1
          3     60    5     0   -1  -1 -1    8    50 -1 1 1 1 -1 1 -1 -1 -1
          4     90    0    50    0  -1 -1   -1    -1 -1 1 1 1 -1 1 -1 -1 -1
      """;

  @Test
  void parsesHeaderAndJobsAndDropsJobsWithoutRunTimeOrProcessors() throws Exception {
    SwfTrace t = SwfTrace.parse(new BufferedReader(new StringReader(LOG)));
    assertThat(t.maxProcs()).isEqualTo(128);
    assertThat(t.maxNodes()).isEqualTo(128);
    assertThat(t.dropped()).isEqualTo(2);
    assertThat(t.jobs())
        .containsExactly(
            new SwfTrace.Job(1, 0, 10, 100, 4, 200),
            // allocated unknown (-1): the requested 8 processors count
            new SwfTrace.Job(3, 60, 5, 0, 8, 50));
  }

  @Test
  void readsTheSharedTracesGzipped() {
    Path sdsc = Path.of("../../shared/traces/SDSC-SP2-1998-4.2-cln.swf.gz");
    if (!Files.exists(sdsc)) {
      sdsc = Path.of("../shared/traces/SDSC-SP2-1998-4.2-cln.swf.gz");
    }
    // The traces live next to the repository (../shared), not in it: skipped, visibly, without.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(sdsc), "../shared/traces is not next to the repository");
    SwfTrace t = SwfTrace.read(sdsc);
    assertThat(t.maxProcs()).isEqualTo(128);
    // 59,715 records, of which 5,671 lack a run time or a processor count (traces/README.md)
    assertThat(t.jobs().size() + t.dropped()).isEqualTo(59_715);
  }
}
