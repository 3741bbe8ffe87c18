package org.openpcs.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.NodeInstance;
import org.openpcs.server.http.ApiDispatcher;
import org.openpcs.server.logs.AuditLog;
import org.openpcs.server.logs.GetLogRecordsOp;
import org.openpcs.server.logs.LogDelivery;
import org.openpcs.server.logs.LogOptions;
import org.openpcs.server.logs.LogReader;
import org.openpcs.server.logs.LogSources;
import org.openpcs.server.ops.OperationTable;
import org.openpcs.store.Store;

/**
 * The server's logs, wired in one place: the delivery (created first, closed last so that the
 * controllers' final scaling steps still go out), the audit listener, {@code
 * OpenPCS.GetLogRecords}, and the tailers of the controllers' files.
 */
final class ServerLogs implements AutoCloseable {
  private final LogDelivery delivery;
  private final Path dir;
  private final LogOptions options;
  private final Store store;
  private final Clock clock;
  private Optional<LogSources> sources = Optional.empty();

  ServerLogs(Path dataDir, LogOptions options, Store store, Clock clock) {
    this.dir = dataDir.resolve("logs");
    this.delivery = LogDelivery.open(dir, options);
    this.options = options;
    this.store = store;
    this.clock = clock;
  }

  LogDelivery delivery() {
    return delivery;
  }

  void addOperations(OperationTable operations) {
    operations.extend(
        GetLogRecordsOp.TARGET,
        new GetLogRecordsOp(new LogReader(dir, options.keptFiles()))::handle);
  }

  /** Audits every call; {@code next} still sees each one. */
  ApiDispatcher.RequestListener auditing(ApiDispatcher.RequestListener next) {
    AuditLog audit =
        new AuditLog(
            delivery,
            identifier -> store.inTransaction(tx -> tx.findCluster(identifier).map(Cluster::id)),
            clock);
    return ApiDispatcher.RequestListener.of(
            c ->
                audit.record(
                    new AuditLog.Call(
                        c.requestId(),
                        c.principal(),
                        c.operation(),
                        c.status(),
                        c.errorType(),
                        c.nanos(),
                        c.remote(),
                        c.subject().cluster(),
                        c.subject().resource())))
        .andThen(next);
  }

  /** Starts tailing the scheduler and jobcomp files of the clusters under {@code clustersDir}. */
  void startSources(Path clustersDir) {
    LogSources s =
        new LogSources(clustersDir, dir, delivery, facts(), ZoneId.systemDefault(), clock);
    s.start(Duration.ofMillis(500));
    sources = Optional.of(s);
  }

  private LogSources.ClusterFacts facts() {
    return new LogSources.ClusterFacts() {
      @Override
      public Optional<String> schedulerVersion(String clusterId) {
        return store.inTransaction(
            tx -> tx.findCluster(clusterId).map(c -> c.spec().schedulerVersion()));
      }

      @Override
      public List<NodeInstance> instances(String clusterId) {
        return store.inTransaction(tx -> tx.nodeInstancesOf(clusterId));
      }
    };
  }

  /** Stops reading the files; the delivery stays open until {@link #close()}. */
  void stopSources() {
    sources.ifPresent(LogSources::close);
  }

  @Override
  public void close() {
    stopSources();
    delivery.close();
  }
}
