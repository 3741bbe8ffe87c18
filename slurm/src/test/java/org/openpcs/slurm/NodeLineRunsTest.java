package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeLineRunsTest {
  private static String line(String name, int port, String rest) {
    return "NodeName=" + name + " NodeHostname=vm NodeAddr=127.0.0.1 Port=" + port + " " + rest;
  }

  private static final String CLOUD = "CPUs=2 RealMemory=4096 Features=g,t3.medium State=CLOUD";

  @Test
  void consecutiveNodesOfOneShapeShareALineWithPairedRanges() {
    List<String> lines =
        IntStream.rangeClosed(1, 1000).mapToObj(i -> line("g-" + i, 20000 + i, CLOUD)).toList();

    assertThat(NodeLineRuns.merge(lines))
        .containsExactly(
            "NodeName=g-[1-1000] NodeHostname=vm NodeAddr=127.0.0.1 Port=[20001-21000] " + CLOUD);
  }

  @Test
  void anythingElseThatDiffersKeepsLinesApart() {
    List<String> lines =
        List.of(
            line("compute-1", 17101, "CPUs=2 RealMemory=4096 Features=compute,t3.medium"),
            line(
                "compute-2",
                17102,
                "CPUs=2 RealMemory=4096 Features=compute,t3.medium State=CLOUD"),
            line(
                "compute-3",
                17103,
                "CPUs=2 RealMemory=4096 Features=compute,t3.medium State=CLOUD"),
            line(
                "compute-5",
                17105,
                "CPUs=2 RealMemory=4096 Features=compute,t3.medium State=CLOUD"),
            line(
                "compute-6",
                17107,
                "CPUs=2 RealMemory=4096 Features=compute,t3.medium State=CLOUD"),
            line("gpu-1", 17201, "CPUs=8 RealMemory=61440 Gres=gpu:4 State=CLOUD"),
            line("gpu-2", 17202, "CPUs=8 RealMemory=61440 Gres=gpu:1 State=CLOUD"),
            line("login01", 17301, "CPUs=2 RealMemory=4096"),
            line("login02", 17302, "CPUs=2 RealMemory=4096"));

    assertThat(NodeLineRuns.merge(lines))
        .containsExactly(
            lines.get(0), // static, the next ones are CLOUD
            "NodeName=compute-[2-3] NodeHostname=vm NodeAddr=127.0.0.1 Port=[17102-17103]"
                + " CPUs=2 RealMemory=4096 Features=compute,t3.medium State=CLOUD",
            lines.get(3), // a gap in the numbers
            lines.get(4), // a gap in the ports
            lines.get(5), // another shape
            lines.get(6),
            lines.get(7), // zero-padded numbers are not merged
            lines.get(8));
  }

  @Test
  void splitGivesBackEveryNodesOwnLine() {
    List<String> lines = new ArrayList<>();
    IntStream.rangeClosed(1, 40).forEach(i -> lines.add(line("a-" + i, 18000 + i, CLOUD)));
    lines.add(line("b-1", 19001, "CPUs=4 RealMemory=8192"));
    IntStream.rangeClosed(7, 9).forEach(i -> lines.add(line("c-" + i, 19100 + i, CLOUD)));

    List<String> merged = NodeLineRuns.merge(lines);
    assertThat(merged).hasSize(3);
    assertThat(merged.stream().flatMap(l -> NodeLineRuns.split(l).stream()).toList())
        .isEqualTo(lines);
  }

  @Test
  void aSharedLineWhoseRangesDoNotPairIsRefused() {
    assertThatThrownBy(
            () ->
                NodeLineRuns.split(
                    "NodeName=g-[1-3] NodeHostname=vm NodeAddr=127.0.0.1 Port=[20001-20002] CPUs=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in length");
    assertThatThrownBy(() -> NodeLineRuns.split("NodeName=g-[1-3] Port=20001 CPUs=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without a port range");
  }
}
