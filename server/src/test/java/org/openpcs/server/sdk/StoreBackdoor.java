package org.openpcs.server.sdk;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Writes a resource status straight into the server's database. Without infrastructure every
 * resource converges at once, so this is the only deterministic way to hold a resource in a state
 * such as {@code CREATE_FAILED}, which the controllers leave alone. Used only to set up lifecycle
 * preconditions; every assertion still goes through the SDK.
 */
final class StoreBackdoor {
  private final String url;
  private final String user;

  StoreBackdoor(String url, String user) {
    this.url = url;
    this.user = user;
  }

  void forceClusterStatus(String clusterId, String status) {
    forceStatus("clusters", clusterId, status);
  }

  void forceNodeGroupStatus(String groupId, String status) {
    forceStatus("node_groups", groupId, status);
  }

  void forceQueueStatus(String queueId, String status) {
    forceStatus("queues", queueId, status);
  }

  /** Bumps the row version too, so a writer holding the old row fails its compare-and-set. */
  private void forceStatus(String table, String id, String status) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    try (Connection c = DriverManager.getConnection(url, props);
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE " + table + " SET status = ?, version = version + 1 WHERE id = ?")) {
      ps.setString(1, status);
      ps.setString(2, id);
      if (ps.executeUpdate() != 1) {
        throw new AssertionError("no row " + id + " in " + table);
      }
    } catch (SQLException e) {
      throw new AssertionError("could not force " + table + " " + id + " to " + status, e);
    }
  }
}
