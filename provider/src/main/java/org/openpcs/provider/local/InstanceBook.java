package org.openpcs.provider.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the local provider knows of its instances in memory: their records (as persisted in {@code
 * <stateDir>/<instanceId>/instance.json}), the idempotency tokens, the agents running in this
 * process and the terminations under way — and whether the provider is closed, and the launch
 * failures injected for tests.
 *
 * <p>Not thread-safe on its own: its monitor is the provider's one lock. Every use but {@link
 * #load} holds {@code synchronized (book)}, so that a check and the update it leads to (a launch's
 * token, limit and id; a termination's claim on an instance) are one step. The methods that touch
 * the file system under that lock say so; the costly work (a launch's directory, record and agent,
 * D25; stopping agents; reading agent state and notices) is done outside it.
 */
final class InstanceBook {
  private static final Logger log = LoggerFactory.getLogger(InstanceBook.class);

  private final Path stateDir;
  private final Clock clock;
  private final Duration terminatedRetention;

  private final Map<String, InstanceRecord> records = new LinkedHashMap<>();
  private final Map<String, String> tokens = new HashMap<>();
  private final Map<String, AgentRunner.Handle> handles = new HashMap<>();

  /** Instances being terminated → done when their termination has returned. */
  private final Map<String, CompletableFuture<Void>> terminating = new HashMap<>();

  private int failuresLeft;
  private String failureReason;
  private boolean closed;

  InstanceBook(Path stateDir, Clock clock, Duration terminatedRetention) {
    this.stateDir = stateDir;
    this.clock = clock;
    this.terminatedRetention = terminatedRetention;
  }

  /**
   * Loads the persisted instances from {@code stateDir} (created if missing). Called once, from the
   * provider's constructor, before anyone else can see the book: no lock.
   */
  void load() {
    try {
      Files.createDirectories(stateDir);
      List<InstanceRecord> loaded = new ArrayList<>();
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDir)) {
        for (Path d : dirs) {
          String name = d.getFileName().toString();
          if (!LocalProvider.INSTANCE_ID.matcher(name).matches() || !Files.isDirectory(d)) {
            continue;
          }
          try {
            loaded.add(JsonFiles.read(d.resolve(InstanceRecord.FILE), InstanceRecord.class));
          } catch (NoSuchFileException e) {
            // a launch that died before its record was written: nothing was started
            JsonFiles.deleteTree(d);
          }
        }
      }
      loaded.sort(
          Comparator.comparing(InstanceRecord::launchedAt)
              .thenComparing(InstanceRecord::instanceId));
      for (InstanceRecord r : loaded) {
        records.put(r.instanceId(), r);
        if (r.token() != null) {
          tokens.put(r.token(), r.instanceId());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load instances from " + stateDir, e);
    }
  }

  // -------------------------------------------------------------------------------- records

  InstanceRecord get(String instanceId) {
    return records.get(instanceId);
  }

  boolean hasToken(String token) {
    return tokens.containsKey(token);
  }

  /** The record of the instance launched with {@code token}; see {@link #hasToken}. */
  InstanceRecord byToken(String token) {
    return records.get(tokens.get(token));
  }

  /** Instances not TERMINATED: what the instance limit counts. */
  long liveCount() {
    return liveIds().size();
  }

  List<String> liveIds() {
    return records.values().stream()
        .filter(r -> !isTerminated(r))
        .map(InstanceRecord::instanceId)
        .toList();
  }

  /**
   * A fresh instance id, unknown here and without a directory. Checks the file system under the
   * lock (one {@code exists} per try), so that no other launch can take the same id meanwhile.
   */
  String newId() {
    String id;
    do {
      id = JsonFiles.hexId("i-", 17);
    } while (records.containsKey(id) || Files.exists(stateDir.resolve(id)));
    return id;
  }

  /** Reserves a launching instance: its id, its token and the limit count it from here on. */
  void reserve(InstanceRecord rec) {
    records.put(rec.instanceId(), rec);
    if (rec.token() != null) {
      tokens.put(rec.token(), rec.instanceId());
    }
  }

  /** Updates a record in memory only (its instance has no directory to write it to). */
  void put(InstanceRecord r) {
    records.put(r.instanceId(), r);
  }

  /** Writes the record to its instance's directory, then keeps it: a file write under the lock. */
  void save(InstanceRecord r) {
    JsonFiles.write(stateDir.resolve(r.instanceId()).resolve(InstanceRecord.FILE), r, "rw-------");
    records.put(r.instanceId(), r);
  }

  /**
   * Forgets terminated instances older than the retention and removes their directories (file
   * system calls under the lock).
   */
  void purgeExpired() {
    Instant cutoff = clock.instant().minus(terminatedRetention);
    List<String> expired = new ArrayList<>();
    for (InstanceRecord r : records.values()) {
      if (isTerminated(r)
          && r.terminatedAt() != null
          && Instant.parse(r.terminatedAt()).isBefore(cutoff)) {
        expired.add(r.instanceId());
      }
    }
    for (String id : expired) {
      InstanceRecord r = records.remove(id);
      if (r.token() != null) {
        tokens.remove(r.token(), id);
      }
      try {
        JsonFiles.deleteTree(stateDir.resolve(id));
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", stateDir.resolve(id), e.toString());
      }
    }
  }

  /** The records whose tags include all of {@code tags} ({@code null}: all records). */
  List<InstanceRecord> matching(Map<String, String> tags) {
    List<InstanceRecord> matching = new ArrayList<>();
    for (InstanceRecord r : records.values()) {
      if (tags == null || r.tags().entrySet().containsAll(tags.entrySet())) {
        matching.add(r);
      }
    }
    return matching;
  }

  /** RUNNING instances with no agent in this process and no termination under way. */
  List<InstanceRecord> adoptable() {
    List<InstanceRecord> candidates = new ArrayList<>();
    for (InstanceRecord r : records.values()) {
      if (LocalProvider.RUNNING.equals(r.state())
          && !handles.containsKey(r.instanceId())
          && !terminating.containsKey(r.instanceId())) {
        candidates.add(r);
      }
    }
    return candidates;
  }

  /** RUNNING spot instances with no termination under way: candidates for an interruption. */
  List<String> runningSpot() {
    List<String> spot = new ArrayList<>();
    for (InstanceRecord r : records.values()) {
      if (LocalProvider.RUNNING.equals(r.state())
          && "SPOT".equals(r.purchaseOption())
          && !terminating.containsKey(r.instanceId())) {
        spot.add(r.instanceId());
      }
    }
    return spot;
  }

  private static boolean isTerminated(InstanceRecord r) {
    return LocalProvider.TERMINATED.equals(r.state());
  }

  // -------------------------------------------------------------------------------- agents

  /** Keeps the agent an instance runs in this process. */
  void attach(String instanceId, AgentRunner.Handle handle) {
    handles.put(instanceId, handle);
  }

  /** Forgets an instance's agent and returns it ({@code null} if none runs in this process). */
  AgentRunner.Handle takeHandle(String instanceId) {
    return handles.remove(instanceId);
  }

  /**
   * Marks the provider closed (no more launches or adoptions) and forgets every agent, returning
   * them to be let go.
   */
  List<AgentRunner.Handle> close() {
    closed = true;
    List<AgentRunner.Handle> all = new ArrayList<>(handles.values());
    handles.clear();
    return all;
  }

  // -------------------------------------------------------------------------------- terminations

  boolean isTerminating(String instanceId) {
    return terminating.containsKey(instanceId);
  }

  /** Done when the termination under way has returned; see {@link #isTerminating}. */
  CompletableFuture<Void> termination(String instanceId) {
    return terminating.get(instanceId);
  }

  void startTerminating(String instanceId) {
    terminating.put(instanceId, new CompletableFuture<>());
  }

  /** Ends the termination under way: whoever waits on it goes on. */
  void finishTerminating(String instanceId) {
    terminating.remove(instanceId).complete(null);
  }

  // -------------------------------------------------------------------------------- the provider

  boolean isClosed() {
    return closed;
  }

  /** Makes the next {@code n} launches fail with {@code reason} (see {@link #injectedFailure}). */
  void failNextLaunches(int n, String reason) {
    failuresLeft = n;
    failureReason = reason == null ? "LAUNCH_ERROR" : reason;
  }

  /** The reason this launch fails for, if a failure is still injected; counts it. */
  Optional<String> injectedFailure() {
    if (failuresLeft > 0) {
      failuresLeft--;
      return Optional.of(failureReason);
    }
    return Optional.empty();
  }
}
