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
}
