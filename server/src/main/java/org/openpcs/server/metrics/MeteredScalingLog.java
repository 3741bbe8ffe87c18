package org.openpcs.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openpcs.control.ScalingLog;

/**
 * Counts the scaling log's steps as it forwards them: launches, launch failures and terminations by
 * reason, and the time from Slurm's resume request to the node being ready.
 *
 * <p>Resume → ready is measured from the first {@code LAUNCHED} with reason {@code
 * SCHEDULER_REQUESTED} of a node to its next {@code ACTIVE}: a launch that fails over to another
 * instance type is part of what the waiting job experiences. A node that never becomes ready
 * (terminated first) is forgotten; the map of started measurements is bounded, so a flood of
 * launches that never finish cannot grow it without limit.
 */
public final class MeteredScalingLog implements ScalingLog {
  static final int MAX_PENDING = 10_000;
  static final Duration[] RESUME_BUCKETS = {
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(15),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(45),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120),
    Duration.ofSeconds(180),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600)
  };

  private final ScalingLog delegate;
  private final MeterRegistry registry;

  /** cluster id + node name → time of the resume request. */
  private final Map<String, Instant> resumeStarted =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > MAX_PENDING;
        }
      };

  public MeteredScalingLog(ScalingLog delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public void record(Entry e) {
    delegate.record(e);
    try {
      count(e);
    } catch (RuntimeException ex) {
      // Metrics must never break the scaling path that calls us.
      org.slf4j.LoggerFactory.getLogger(MeteredScalingLog.class)
          .warn("could not count a scaling log entry: {}", ex.toString());
    }
  }

  private void count(Entry e) {
    String state = e.state() == null ? "" : e.state();
    String node = e.clusterId() + "/" + e.nodeName();
    switch (state) {
      case "LAUNCHED" -> {
        counter("openpcs.instance.launches", "Instances launched", e, false).increment();
        if ("SCHEDULER_REQUESTED".equals(e.reason()) && e.timestamp() != null) {
          synchronized (resumeStarted) {
            resumeStarted.putIfAbsent(node, e.timestamp());
          }
        }
      }
      case "LAUNCH_FAILED" ->
          counter("openpcs.instance.launch.failures", "Launches that failed, by reason", e, true)
              .increment();
      case "TERMINATED" -> {
        counter("openpcs.instance.terminations", "Instances terminated, by reason", e, true)
            .increment();
        forget(node);
      }
      case "TERMINATE_FAILED" ->
          counter(
                  "openpcs.instance.termination.failures",
                  "Terminations that failed, by reason",
                  e,
                  true)
              .increment();
      case "ACTIVE" -> ready(e, node);
      default -> {}
    }
  }

  private void ready(Entry e, String node) {
    Instant started;
    synchronized (resumeStarted) {
      started = resumeStarted.remove(node);
    }
    if (started == null || e.timestamp() == null || e.timestamp().isBefore(started)) {
      return;
    }
    Timer.builder("openpcs.node.resume.duration")
        .description("Time from Slurm's resume request for a node to the node being ready")
        .tags("cluster", label(e.clusterId()), "node_group", group(e))
        .serviceLevelObjectives(RESUME_BUCKETS)
        .register(registry)
        .record(Duration.between(started, e.timestamp()));
  }

  private void forget(String node) {
    synchronized (resumeStarted) {
      resumeStarted.remove(node);
    }
  }

  /** Resume measurements in progress (for tests of the bound). */
  int pending() {
    synchronized (resumeStarted) {
      return resumeStarted.size();
    }
  }

  private Counter counter(String name, String description, Entry e, boolean withReason) {
    Counter.Builder b =
        Counter.builder(name)
            .description(description)
            .tags(
                "cluster",
                label(e.clusterId()),
                "node_group",
                group(e),
                "instance_type",
                label(e.instanceType()));
    if (withReason) {
      b.tag("reason", label(e.reason()));
    }
    return b.register(registry);
  }

  private static String group(Entry e) {
    return label(e.nodeGroupName() != null ? e.nodeGroupName() : e.nodeGroupId());
  }

  static String label(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }
}
