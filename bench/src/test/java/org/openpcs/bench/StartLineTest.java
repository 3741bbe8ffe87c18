package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StartLineTest {
  @Test
  void replaysReadyAtDifferentTimesStartTogetherTheSettleTimeAfterTheLast() throws Exception {
    StartLine line = new StartLine(3, Duration.ofMillis(300));
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<double[]>> arrivals = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long delay = i * 150L;
        arrivals.add(
            pool.submit(
                () -> {
                  Thread.sleep(delay);
                  double ready = ColdStart.now();
                  double start = line.await(Duration.ofSeconds(10));
                  return new double[] {ready, start, ColdStart.now()};
                }));
      }
      double lastReady = 0;
      List<Double> starts = new ArrayList<>();
      for (Future<double[]> f : arrivals) {
        double[] r = f.get();
        lastReady = Math.max(lastReady, r[0]);
        starts.add(r[1]);
        assertThat(r[2])
            .as("returned no earlier than the start")
            .isGreaterThanOrEqualTo(r[1] - 0.005);
      }
      assertThat(starts).as("one start for all").containsOnly(starts.get(0));
      assertThat(starts.get(0)).isBetween(lastReady + 0.29, lastReady + 0.6);
    }
  }

  @Test
  void aReplayThatGivesUpReleasesTheOthers() throws Exception {
    StartLine line = new StartLine(2, Duration.ofMillis(100));
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Double> waiting = pool.submit(() -> line.await(Duration.ofSeconds(30)));
      while (line.waiting() == 0) {
        Thread.sleep(10);
      }
      line.abandon();
      assertThatThrownBy(waiting::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another replay failed");
    }
  }

  @Test
  void aReplayThatComesAfterAnotherGaveUpFailsAtOnce() {
    StartLine line = new StartLine(2, Duration.ofMillis(100));
    line.abandon();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> line.await(Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another replay failed");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }
}
