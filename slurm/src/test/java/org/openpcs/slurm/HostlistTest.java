package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostlistTest {
  @Test
  void compressesRunsPerPrefix() {
    assertThat(
            Hostlist.compress(List.of("compute-3", "compute-1", "compute-2", "compute-5", "gpu-1")))
        .isEqualTo("compute-[1-3,5],gpu-1");
    assertThat(Hostlist.compress(List.of("a1", "a1", "b"))).isEqualTo("b,a1");
    assertThat(Hostlist.compress(List.of("n01", "n02"))).isEqualTo("n01,n02");
    assertThat(Hostlist.compress(List.of())).isEmpty();
  }

  @Test
  void expandsWhatSlurmHandsThePowerSavingPrograms() {
    assertThat(Hostlist.expand("compute-[3-4,7],gpu-1"))
        .containsExactly("compute-3", "compute-4", "compute-7", "gpu-1");
    assertThat(Hostlist.expand("n[08-10]")).containsExactly("n08", "n09", "n10");
    assertThat(Hostlist.expand("single")).containsExactly("single");
  }

  @Test
  void expandUndoesCompress() {
    List<String> names = List.of("compute-1", "compute-2", "compute-3", "compute-10", "gpu-2");
    assertThat(Hostlist.expand(Hostlist.compress(names)))
        .containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void refusesWhatItCannotExpand() {
    assertThatThrownBy(() -> Hostlist.expand("a[1-2][3-4]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hostlist.expand("a[5-1]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hostlist.expand("a[x]")).isInstanceOf(IllegalArgumentException.class);
  }
}
