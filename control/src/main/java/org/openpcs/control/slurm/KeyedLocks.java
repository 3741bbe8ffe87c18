package org.openpcs.control.slurm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One lock per key (a cluster id), created on first use and dropped when the key goes away, so that
 * a server that creates and deletes clusters for months keeps no lock per deleted cluster.
 *
 * <p>Dropping a lock that another thread is waiting for is the subtle part: that thread would run
 * under a lock no one else takes any more, next to a caller that made a fresh one. So a caller
 * checks, once it holds a lock, that the lock is still the key's, and takes the current one if not.
 */
final class KeyedLocks {
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  /** Runs {@code body} holding the key's lock; never at the same time as another body for it. */
  <T> T run(String key, Supplier<T> body) {
    while (true) {
      Object lock = locks.computeIfAbsent(key, k -> new Object());
      synchronized (lock) {
        if (locks.get(key) == lock) {
          return body.get();
        }
      }
    }
  }

  /** Drops the key's lock; call it inside {@link #run} for that key, as its last step. */
  void forget(String key) {
    locks.remove(key);
  }
}
