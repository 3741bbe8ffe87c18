package org.openpcs.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs n tasks on n threads released together, to make races likely rather than lucky. */
public final class Concurrently {
  private Concurrently() {}

  /** What one task returned or threw. */
  public record Outcome<T>(T value, Throwable failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  public static <T> List<Outcome<T>> run(int n, IntFunction<T> task) {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(
            threads.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.apply(index);
                }));
      }
      ready.await();
      go.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          outcomes.add(new Outcome<>(future.get(2, TimeUnit.MINUTES), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome<>(null, e.getCause()));
        }
      }
      return outcomes;
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("concurrent tasks did not finish", e);
    } finally {
      threads.shutdownNow();
    }
  }
}
