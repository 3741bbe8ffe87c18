package org.openpcs.provider.local;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openpcs.agent.NodeProcesses;
import org.openpcs.agent.RecordedAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates the local provider's instances as a power-off would: stops their agents and daemons,
 * kills whatever else still runs on them, then marks their records TERMINATED.
 *
 * <p>Only the claim on an instance (the book's {@code terminating} entry, its agent taken from the
 * book) and the final record update hold the provider's lock, the book's monitor; stopping, which
 * takes seconds, is done outside it. The book's terminations under way make a second caller wait
 * for the first instead of stopping the instance twice.
 */
final class Terminations {
  private static final Logger log = LoggerFactory.getLogger(Terminations.class);

  private final InstanceBook book;
  private final Path stateDir;
  private final Clock clock;

  Terminations(InstanceBook book, Path stateDir, Clock clock) {
    this.book = book;
    this.stateDir = stateDir;
    this.clock = clock;
  }

  /** See {@link LocalProvider#terminate}. */
  void terminate(Collection<String> instanceIds) {
    Map<String, AgentRunner.Handle> stopping = new LinkedHashMap<>();
    List<CompletableFuture<Void>> elsewhere = new ArrayList<>();
    synchronized (book) {
      book.purgeExpired();
      for (String id : new LinkedHashSetOf(instanceIds)) {
        InstanceRecord r = book.get(id);
        if (book.isTerminating(id)) {
          elsewhere.add(book.termination(id));
        }
        if (r == null || LocalProvider.TERMINATED.equals(r.state()) || book.isTerminating(id)) {
          continue;
        }
        book.startTerminating(id);
        stopping.put(id, book.takeHandle(id));
      }
    }
    if (!stopping.isEmpty()) {
      terminateNow(stopping);
    }
    elsewhere.forEach(CompletableFuture::join);
  }

  private void terminateNow(Map<String, AgentRunner.Handle> stopping) {
    // slurmd's namespace, read while slurmd still runs: after the stop it identifies what is left
    Map<Path, Optional<String>> namespaces = new LinkedHashMap<>();
    for (String id : stopping.keySet()) {
      namespaces.put(stateDir.resolve(id), NodeProcesses.namespaceOf(stateDir.resolve(id)));
    }
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      stopping.forEach((id, handle) -> ex.submit(() -> stop(id, handle)));
    }
    endLeftovers(namespaces);
    synchronized (book) {
      String now = clock.instant().toString();
      for (String id : stopping.keySet()) {
        InstanceRecord r = book.get(id);
        try {
          if (r != null) {
            book.save(r.withState(LocalProvider.TERMINATED, "terminated by request", now));
          }
        } finally {
          book.finishTerminating(id);
        }
      }
    }
    log.info("terminated {}", stopping.keySet());
  }

  /**
   * Stops an instance terminated while its agent was being started: that termination found no agent
   * to stop. Outside the lock; unlike a termination, a failure to close the agent is thrown.
   */
  void stopStarted(Path dir, AgentRunner.Handle handle) {
    Optional<String> ns = NodeProcesses.namespaceOf(dir);
    handle.close();
    endLeftovers(Map.of(dir, ns));
  }

  /**
   * Ends what the stopped daemons leave running on the instances — job steps and the jobs' own
   * processes — as a powered-off machine would (see {@link NodeProcesses}).
   */
  private void endLeftovers(Map<Path, Optional<String>> namespaces) {
    try {
      NodeProcesses.killAll(namespaces);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("ending the processes of {} failed: {}", namespaces.keySet(), e.toString());
    }
  }

  private void stop(String id, AgentRunner.Handle handle) {
    try {
      if (handle != null) {
        handle.close();
      } else {
        // no agent in this process (not adopted, or started by an earlier process)
        RecordedAgent.stop(stateDir.resolve(id));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("stopping {} failed: {}", id, e.toString());
    }
  }

  /** Distinct ids in order, ignoring nulls. */
  private static final class LinkedHashSetOf extends LinkedHashSet<String> {
    LinkedHashSetOf(Collection<String> ids) {
      if (ids != null) {
        ids.stream().filter(Objects::nonNull).forEach(this::add);
      }
    }
  }
}
