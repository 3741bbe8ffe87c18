package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedParallelTest {
  private static final List<Integer> ITEMS = IntStream.rangeClosed(1, 30).boxed().toList();

  @Test
  void keepsTheGivenOrderOfTheItemsThatSucceeded() {
    assertThat(BoundedParallel.succeeded(ITEMS, 4, i -> i % 3 == 0))
        .containsExactly(3, 6, 9, 12, 15, 18, 21, 24, 27, 30);
  }

  @Test
  void runsTasksAtTheSameTimeButNeverMoreThanTheBound() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    // The first four wait for each other: that only ends if four run at once.
    CountDownLatch four = new CountDownLatch(4);
    List<Integer> ok =
        BoundedParallel.succeeded(
            ITEMS,
            4,
            i -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                four.countDown();
                return four.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                return false;
              } finally {
                running.decrementAndGet();
              }
            });
    assertThat(ok).isEqualTo(ITEMS);
    assertThat(most.get()).isEqualTo(4);
  }

  @Test
  void aFailingTaskDoesNotStopTheOthersAndItsErrorIsRaisedAfterwards() {
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    assertThatThrownBy(
            () ->
                BoundedParallel.succeeded(
                    ITEMS,
                    3,
                    i -> {
                      ran.add(i);
                      if (i == 7 || i == 20) {
                        throw new IllegalStateException("store down at " + i);
                      }
                      return true;
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("store down at 7");
    assertThat(ran).containsExactlyInAnyOrderElementsOf(ITEMS);
  }
}
