package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeDaemonsTest {
  @TempDir Path tmp;

  @Test
  void aMungedNobodyRecordedIsFoundByItsKeyFileAndStopped() throws Exception {
    NodePaths mine = new NodePaths(tmp.resolve("inst"));
    NodePaths other = new NodePaths(tmp.resolve("other"));
    // stand-ins for munged processes: same argument shape, nothing else
    Process stray =
        new ProcessBuilder("perl", "-e", "sleep 600", "--", "--key-file=" + mine.mungeKey())
            .start();
    Process foreign =
        new ProcessBuilder("perl", "-e", "sleep 600", "--", "--key-file=" + other.mungeKey())
            .start();
    try {
      assertThat(NodeDaemons.strays(mine)).containsExactly(stray.pid());

      NodeDaemons.stopStrays(mine, Duration.ofSeconds(5));
      assertThat(stray.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(foreign.isAlive()).as("another instance's daemon is left alone").isTrue();
      assertThat(NodeDaemons.strays(mine)).isEmpty();
    } finally {
      stray.destroyForcibly();
      foreign.destroyForcibly();
    }
  }

  @Test
  void slurmdStartsInALaterWallClockSecondThanTheReference() {
    // reference at x.300: wait until (x+1).000
    assertThat(NodeDaemons.millisUntilLaterSecond(100_300, 100_450)).isEqualTo(550);
    assertThat(NodeDaemons.millisUntilLaterSecond(100_300, 100_999)).isEqualTo(1);
    // already in a later second: no wait
    assertThat(NodeDaemons.millisUntilLaterSecond(100_300, 101_000)).isZero();
    assertThat(NodeDaemons.millisUntilLaterSecond(100_999, 102_500)).isZero();
    // a reference exactly on a second boundary still needs the next one
    assertThat(NodeDaemons.millisUntilLaterSecond(100_000, 100_000)).isEqualTo(1000);
  }
}
