package org.openpcs.control.slurm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/** Runs a task for each item, at most a given number at once, each on its own virtual thread. */
final class BoundedParallel {
  private BoundedParallel() {}

  /**
   * Returns the items whose task returned true, in the given order, once every task has ended. When
   * tasks threw, the others still ran, and the first exception (in item order) is thrown.
   */
  static <T> List<T> succeeded(List<T> items, int parallelism, Predicate<T> task) {
    Map<T, Future<Boolean>> outcomes = new LinkedHashMap<>();
    Semaphore slots = new Semaphore(parallelism);
    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (T item : items) {
        slots.acquireUninterruptibly();
        outcomes.put(
            item,
            ex.submit(
                () -> {
                  try {
                    return task.test(item);
                  } finally {
                    slots.release();
                  }
                }));
      }
    }
    List<T> ok = new ArrayList<>();
    RuntimeException error = null;
    for (var e : outcomes.entrySet()) {
      try {
        if (e.getValue().get()) {
          ok.add(e.getKey());
        }
      } catch (ExecutionException x) {
        if (error == null) {
          error =
              x.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(x.getCause());
        }
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", x);
      }
    }
    if (error != null) {
      throw error;
    }
    return ok;
  }
}
