package org.openpcs.control.slurm;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.openpcs.control.EventSink;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.Event;
import org.openpcs.domain.ResourceKind;
import org.openpcs.slurm.Hostlist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node group events the fleet reports ({@code openpcs events}): one short sentence for people
 * and a stable reason word each, host lists compressed as Slurm writes them. Never throws: an event
 * that cannot be recorded must not stop a repair.
 */
final class FleetEvents {
  private static final Logger log = LoggerFactory.getLogger(FleetEvents.class);
  private final EventSink sink;
  private final Clock clock;

  FleetEvents(EventSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  void info(ComputeNodeGroup g, String reason, String message) {
    emit(g, Event.Severity.INFO, reason, message);
  }

  void warning(ComputeNodeGroup g, String reason, String message) {
    emit(g, Event.Severity.WARNING, reason, message);
  }

  /** "launched 4 instances for compute-[3-6]". */
  void launched(ComputeNodeGroup g, Collection<String> nodes, String reason) {
    launched(g, nodes, reason, "");
  }

  /** "launched 4 instances for compute-[3-6]" and why now ({@code occasion}, may be empty). */
  void launched(ComputeNodeGroup g, Collection<String> nodes, String reason, String occasion) {
    if (!nodes.isEmpty()) {
      info(
          g,
          reason,
          "launched " + count(nodes.size()) + " for " + Hostlist.compress(nodes) + occasion);
    }
  }

  /** "terminated 2 idle instances compute-[1-2]". */
  void terminatedIdle(ComputeNodeGroup g, Collection<String> nodes) {
    if (!nodes.isEmpty()) {
      info(
          g,
          "SCHEDULER_REQUESTED",
          "terminated "
              + nodes.size()
              + " idle instance"
              + (nodes.size() == 1 ? " " : "s ")
              + Hostlist.compress(nodes));
    }
  }

  /** One event per job: "requeued job 12: node group max lowered". */
  void requeued(ComputeNodeGroup g, List<Long> jobs, String why) {
    for (long job : jobs) {
      warning(g, "JOB_REQUEUED", "requeued job " + job + ": " + why);
    }
  }

  private static String count(int n) {
    return n == 1 ? "1 instance" : n + " instances";
  }

  private void emit(ComputeNodeGroup g, Event.Severity severity, String reason, String message) {
    try {
      sink.emit(
          new Event(
              clock.instant(),
              g.clusterId(),
              ResourceKind.COMPUTE_NODE_GROUP,
              g.id(),
              severity,
              reason,
              message));
    } catch (RuntimeException e) {
      log.debug("event not recorded ({}): {}", message, e.toString());
    }
  }
}
