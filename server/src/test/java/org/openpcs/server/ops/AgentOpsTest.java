package org.openpcs.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpcs.api.PcsJson;
import org.openpcs.control.ScalingLog;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.NodeInstance;
import org.openpcs.store.Store;
import org.openpcs.store.StoreFixtures;
import org.openpcs.store.jdbc.JdbcStore;

/** The agents' heartbeat on a real store: what is written, and what is not. */
class AgentOpsTest {
  private static final Instant T0 = Instant.parse("2026-11-29T13:00:00Z");

  private final List<ScalingLog.Entry> scaling = new ArrayList<>();
  private final AgentOps ops =
      new AgentOps((kind, cluster, id) -> {}, scaling::add, Clock.fixed(T0, ZoneOffset.UTC));
  private Store store;
  private Cluster cluster;
  private String bootstrapId;

  @BeforeEach
  void setUp() {
    store = JdbcStore.open("jdbc:h2:mem:agentops-" + UUID.randomUUID(), null, null);
    cluster = store.inTransaction(tx -> tx.insertCluster(StoreFixtures.cluster("beats")));
    ComputeNodeGroup g =
        store.inTransaction(
            tx -> tx.insertNodeGroup(StoreFixtures.nodeGroup(cluster.id(), "compute")));
    bootstrapId = "bs-" + UUID.randomUUID();
    NodeInstance launching =
        new NodeInstance(
            bootstrapId,
            cluster.id(),
            g.id(),
            "compute-1",
            "i-0123456789abcdef0",
            "c5.large",
            bootstrapId,
            "LAUNCHING",
            null,
            T0,
            null,
            null,
            0);
    store.inTransaction(
        tx -> {
          tx.insertNodeInstance(launching);
          tx.updateNodeInstance(tx.findNodeInstance(bootstrapId).orElseThrow().registered(T0));
          return null;
        });
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void aBeatThatChangesNothingRightAfterTheLastStoredOneIsNotWritten() {
    long registered = record().version();

    beat("BOOTSTRAPPING", null, T0.plusMillis(300));

    assertThat(record().version()).isEqualTo(registered);
    assertThat(record().lastHeartbeatAt()).isEqualTo(T0);
  }

  @Test
  void aBeatIsWrittenOnceTheLastStoredOneIsOlderOrWhenItChangesSomething() {
    long registered = record().version();

    // the periodic beat, 10 s after the registration: stored
    beat("BOOTSTRAPPING", null, T0.plusSeconds(10));
    assertThat(record().version()).isEqualTo(registered + 1);
    assertThat(record().lastHeartbeatAt()).isEqualTo(T0.plusSeconds(10));

    // a new message, a moment later: stored
    beat("BOOTSTRAPPING", "slurmd is not running", T0.plusSeconds(10).plusMillis(100));
    assertThat(record().message()).isEqualTo("slurmd is not running");

    // a new state, a moment later: stored, and the node is ACTIVE in the scaling log
    beat("RUNNING", "slurmd is not running", T0.plusSeconds(10).plusMillis(200));
    assertThat(record().state()).isEqualTo("RUNNING");
    assertThat(record().lastHeartbeatAt()).isEqualTo(T0.plusSeconds(10).plusMillis(200));
    assertThat(scaling).extracting(ScalingLog.Entry::state).containsExactly("ACTIVE");
    assertThat(record().version()).isEqualTo(registered + 3);
  }

  private NodeInstance record() {
    return store.inTransaction(tx -> tx.findNodeInstance(bootstrapId).orElseThrow());
  }

  private void beat(String state, String message, Instant at) {
    ObjectNode body = PcsJson.mapper().createObjectNode();
    body.put("clusterIdentifier", cluster.id()).put("bootstrapId", bootstrapId).put("state", state);
    if (message != null) {
      body.put("message", message);
    }
    CallContext ctx = new CallContext("req", "agent", at);
    ObjectNode out = store.inTransaction(tx -> ops.heartbeat(body, tx, ctx));
    ctx.committed();
    assertThat(out.path("action").asText()).isEqualTo("CONTINUE");
  }
}
