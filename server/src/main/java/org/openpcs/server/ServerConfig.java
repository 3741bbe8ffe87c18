package org.openpcs.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openpcs.domain.Quotas;

/**
 * Everything the server needs to start. {@code databaseUrl} null means the embedded H2 file in the
 * data dir; {@code region}/{@code accountId} null mean "as stored at first start" (defaults
 * us-east-1 and a random 12-digit account).
 */
public record ServerConfig(
    InetSocketAddress listen,
    Path dataDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String region,
    String accountId,
    Quotas quotas,
    List<String> extraSchedulerVersions,
    Duration resyncPeriod) {

  public static Path defaultDataDir() {
    String home = System.getenv("OPENPCS_HOME");
    return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".openpcs");
  }

  public Path awsDir() {
    return dataDir.resolve("aws");
  }
}
