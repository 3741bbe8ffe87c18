package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private final List<LogRecord> out = new ArrayList<>();
  private final List<String> lookups = new ArrayList<>();
  private final Map<String, String> ids =
      Map.of("demo", "pcs_demo000001", "pcs_demo000001", "pcs_demo000001");
  private final AuditLog audit =
      new AuditLog(
          out::add,
          identifier -> {
            lookups.add(identifier);
            return Optional.ofNullable(ids.get(identifier));
          },
          Clock.fixed(Instant.parse("2026-11-28T09:00:00Z"), ZoneOffset.UTC));

  private static AuditLog.Call call(String op, int status, String error, String cluster) {
    return new AuditLog.Call(
        "req-1", "AKIAADMIN", op, status, error, 2_345_678, "127.0.0.1:5000", cluster, cluster);
  }

  @Test
  void aClusterCallGoesToThatClustersLogByIdAndNamesAreLookedUpOnce() throws Exception {
    audit.record(call("GetCluster", 200, null, "demo"));
    audit.record(call("UpdateCluster", 200, null, "demo"));

    assertThat(out).extracting(LogRecord::stream).containsOnly("pcs_demo000001");
    assertThat(lookups).containsExactly("demo");
    JsonNode r = new ObjectMapper().readTree(out.getFirst().json());
    assertThat(r.get("operation").asText()).isEqualTo("GetCluster");
    assertThat(r.get("principal").asText()).isEqualTo("AKIAADMIN");
    assertThat(r.get("outcome").asText()).isEqualTo("SUCCESS");
    assertThat(r.get("latency_ms").asDouble()).isEqualTo(2.35);
    assertThat(r.get("event_timestamp").asText()).isEqualTo("2026-11-28T09:00:00Z");
  }

  @Test
  void callsAboutNoKnownClusterReadingLogsAndHeartbeatsAreHandledApart() {
    audit.record(call("ListClusters", 200, null, null));
    audit.record(call("GetCluster", 404, "ResourceNotFoundException", "nosuch"));
    audit.record(call("GetLogRecords", 200, null, "demo"));
    audit.record(call("Heartbeat", 200, null, "demo"));
    audit.record(call("Heartbeat", 403, "AccessDeniedException", "demo"));

    assertThat(out)
        .extracting(LogRecord::stream)
        .containsExactly("_server", "_server", "_server", "pcs_demo000001");
    assertThat(out.get(1).json()).contains("\"outcome\":\"ResourceNotFoundException\"");
  }

  @Test
  void deletingAClusterForgetsItsNameForTheNextClusterOfThatName() {
    audit.record(call("DeleteCluster", 200, null, "demo"));
    audit.record(call("GetCluster", 200, null, "demo"));

    assertThat(lookups).containsExactly("demo", "demo");
  }
}
