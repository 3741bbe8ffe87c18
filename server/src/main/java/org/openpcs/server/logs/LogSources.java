package org.openpcs.server.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpcs.domain.NodeInstance;
import org.openpcs.slurm.ClusterPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every cluster's controller files into records: the slurmctld log into scheduler records,
 * the jobcomp/filetxt file into job-completion records. One thread polls the cluster directories,
 * so a slow disk delays logs and nothing else; each file's position survives restarts ({@link
 * FileTail}).
 */
public final class LogSources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogSources.class);

  /** What the sources need from the store. */
  public interface ClusterFacts {
    /** The cluster's Slurm version ("22.05"); empty for a cluster the store does not know. */
    Optional<String> schedulerVersion(String clusterId);

    /** Every instance record of the cluster, terminated ones included. */
    List<NodeInstance> instances(String clusterId);
  }

  private final Path clustersDir;
  private final Path stateRoot;
  private final LogSink sink;
  private final ClusterFacts facts;
  private final ZoneId zone;
  private final Clock clock;
  private final Map<String, Tails> tails = new HashMap<>();
  private ScheduledExecutorService poller;

  private record Tails(String version, FileTail scheduler, FileTail jobcomp, Instant[] last) {}

  public LogSources(
      Path clustersDir,
      Path stateRoot,
      LogSink sink,
      ClusterFacts facts,
      ZoneId zone,
      Clock clock) {
    this.clustersDir = clustersDir;
    this.stateRoot = stateRoot;
    this.sink = sink;
    this.facts = facts;
    this.zone = zone;
    this.clock = clock;
  }

  /** The file Slurm's jobcomp/filetxt plugin writes (see SlurmConfRenderer). */
  public static Path jobcompFile(ClusterPaths p) {
    return p.jobcompLog();
  }

  public void start(Duration period) {
    poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("log-sources").factory());
    poller.scheduleWithFixedDelay(this::pollQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      log.warn("reading cluster logs failed", e);
    }
  }

  /** One pass over every cluster directory. */
  public synchronized void pollOnce() {
    Set<String> seen = new HashSet<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(clustersDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        String id = dir.getFileName().toString();
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
          continue;
        }
        seen.add(id);
        Tails t = tails.computeIfAbsent(id, k -> open(k, new ClusterPaths(dir)));
        if (t != null) {
          poll(id, t);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // no cluster yet
    } catch (IOException e) {
      log.warn("cannot list {}: {}", clustersDir, e.toString());
    }
    tails.keySet().retainAll(seen);
  }

  private Tails open(String clusterId, ClusterPaths p) {
    Optional<String> version = facts.schedulerVersion(clusterId);
    if (version.isEmpty()) {
      return null; // not (yet, or no longer) a cluster: look again next pass
    }
    Path state = stateRoot.resolve(clusterId).resolve(".offsets");
    return new Tails(
        version.get(),
        new FileTail(p.log().resolve("slurmctld.log"), state.resolve("slurmctld.log")),
        new FileTail(jobcompFile(p), state.resolve("jobcomp.txt")),
        new Instant[] {clock.instant()});
  }

  private void poll(String clusterId, Tails t) {
    try {
      for (String line : t.scheduler().poll()) {
        if (!line.isBlank()) {
          SlurmctldLine parsed = SlurmctldLine.parse(line, zone, t.last()[0]);
          t.last()[0] = parsed.timestamp();
          sink.publish(SourceRecords.scheduler(clusterId, t.version(), parsed));
        }
      }
      t.scheduler().commit();
      List<String> jobs = t.jobcomp().poll();
      if (!jobs.isEmpty()) {
        List<NodeInstance> instances = facts.instances(clusterId);
        for (String line : jobs) {
          JobCompLine.parse(line)
              .ifPresent(
                  job ->
                      sink.publish(
                          SourceRecords.jobcomp(
                              clusterId, t.version(), job, zone, clock.instant(), instances)));
        }
      }
      t.jobcomp().commit();
    } catch (IOException e) {
      log.warn("cannot read the logs of cluster {}: {}", clusterId, e.toString());
    }
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
      try {
        poller.awaitTermination(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
