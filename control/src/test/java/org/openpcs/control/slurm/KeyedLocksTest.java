package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {
  private final KeyedLocks locks = new KeyedLocks();

  @Test
  void aCallerWaitingOnAForgottenLockNeverRunsBesideANewOne() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch removing = new CountDownLatch(1);
    CountDownLatch waiterBlocked = new CountDownLatch(1);
    CountDownLatch forgotten = new CountDownLatch(1);
    Runnable body =
        () -> {
          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
          sleep(50);
          inside.decrementAndGet();
        };

    // The remover holds the key's lock while a second caller waits on it, then forgets the lock.
    Thread remover =
        Thread.ofPlatform()
            .start(
                () ->
                    locks.run(
                        "c",
                        () -> {
                          removing.countDown();
                          await(waiterBlocked);
                          body.run();
                          locks.forget("c");
                          forgotten.countDown();
                          return null;
                        }));
    await(removing);
    Thread waiter = Thread.ofPlatform().start(() -> locks.run("c", () -> repeat(body, 5)));
    until(() -> waiter.getState() == Thread.State.BLOCKED); // on the remover's lock
    waiterBlocked.countDown();
    await(forgotten);
    until(() -> inside.get() == 1); // the waiter runs, on whichever lock it took
    // A later caller, after the forget: it makes a fresh lock, which the waiter must take too.
    Thread later = Thread.ofPlatform().start(() -> locks.run("c", () -> repeat(body, 5)));
    for (Thread t : new Thread[] {remover, waiter, later}) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }

    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void differentKeysDoNotWaitForEachOther() throws Exception {
    CountDownLatch inA = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread a =
        Thread.ofPlatform()
            .start(
                () ->
                    locks.run(
                        "a",
                        () -> {
                          inA.countDown();
                          await(release);
                          return null;
                        }));
    await(inA);

    assertThat(locks.run("b", () -> "ran")).isEqualTo("ran");
    release.countDown();
    a.join(10_000);
  }

  private static void until(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  private static Object repeat(Runnable r, int times) {
    for (int i = 0; i < times; i++) {
      r.run();
    }
    return null;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
