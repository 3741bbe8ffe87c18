package org.openpcs.server.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.openpcs.domain.NodeInstance;

/** Builds scheduler and job-completion records with PCS's vended-log field names (§5.10). */
final class SourceRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SourceRecords() {}

  static LogRecord scheduler(String clusterId, String version, SlurmctldLine line) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resource_id", clusterId);
    o.put("resource_type", "PCS_CLUSTER");
    o.put("event_timestamp", DateTimeFormatter.ISO_INSTANT.format(line.timestamp()));
    o.put("log_level", line.level());
    o.put("log_name", "slurmctld");
    o.put("scheduler_type", "slurm");
    o.put("scheduler_major_version", version);
    o.put("node_type", "controller_primary");
    o.put("message", line.message());
    return new LogRecord(clusterId, LogType.SCHEDULER, o.toString());
  }

  /**
   * {@code fields} are Slurm's own (JobId, UserId, Partition, JobState, ExitCode, SubmitTime,
   * StartTime, EndTime, NodeList, …); {@code nodes} adds the instance behind each node.
   */
  static LogRecord jobcomp(
      String clusterId,
      String version,
      JobCompLine job,
      ZoneId zone,
      Instant now,
      List<NodeInstance> instances) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resource_id", clusterId);
    o.put("resource_type", "PCS_CLUSTER");
    o.put(
        "event_timestamp",
        DateTimeFormatter.ISO_INSTANT.format(job.time("EndTime", zone).orElse(now)));
    o.put("scheduler_type", "slurm");
    o.put("scheduler_major_version", version);
    ObjectNode fields = o.putObject("fields");
    job.fields().forEach(fields::put);
    Instant started = job.time("StartTime", zone).orElse(job.time("EndTime", zone).orElse(null));
    o.set("nodes", JobNodes.of(job.nodeList(), started, instances));
    return new LogRecord(clusterId, LogType.JOBCOMP, o.toString());
  }
}
