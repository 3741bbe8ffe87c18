package org.openpcs.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpcs.api.auth.SigV4Verifier;
import org.openpcs.control.ReconcileLoop;
import org.openpcs.control.ResourceKey;
import org.openpcs.control.slurm.ClusterRuntime;
import org.openpcs.domain.Arns;
import org.openpcs.domain.IdGenerator;
import org.openpcs.domain.PageTokens;
import org.openpcs.provider.local.LocalProvider;
import org.openpcs.server.http.ApiDispatcher;
import org.openpcs.server.http.HttpFront;
import org.openpcs.server.keys.AccessKeys;
import org.openpcs.server.keys.SecretSealer;
import org.openpcs.server.ops.ApiServices;
import org.openpcs.server.ops.ClusterOps;
import org.openpcs.server.ops.IdempotentExecutor;
import org.openpcs.server.ops.NodeGroupOps;
import org.openpcs.server.ops.OperationTable;
import org.openpcs.server.ops.QueueOps;
import org.openpcs.server.ops.RegistrationOps;
import org.openpcs.server.ops.TagOps;
import org.openpcs.store.Store;
import org.openpcs.store.jdbc.JdbcStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole server, wired explicitly in {@link #start}: no container, no reflection. */
public final class OpenPcsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenPcsServer.class);

  private final Store store;
  private final ReconcileLoop loop;
  private final HttpFront front;
  private final List<ScheduledExecutorService> housekeeping;
  private final String endpoint;
  private final Optional<Path> credentials;
  private final Infrastructure infra;
  private final ServerLogs logs;
  private final org.openpcs.server.metrics.Observability observability;

  private OpenPcsServer(
      Store store,
      ReconcileLoop loop,
      HttpFront front,
      List<ScheduledExecutorService> housekeeping,
      String endpoint,
      Optional<Path> credentials,
      Infrastructure infra,
      ServerLogs logs,
      org.openpcs.server.metrics.Observability observability) {
    this.infra = infra;
    this.logs = logs;
    this.observability = observability;
    this.store = store;
    this.loop = loop;
    this.front = front;
    this.housekeeping = housekeeping;
    this.endpoint = endpoint;
    this.credentials = credentials;
  }

  public static OpenPcsServer start(ServerConfig config) throws IOException {
    return start(config, org.openpcs.server.logs.LogOptions.defaults());
  }

  public static OpenPcsServer start(
      ServerConfig config, org.openpcs.server.logs.LogOptions logOptions) throws IOException {
    Files.createDirectories(config.dataDir());
    Clock clock = Clock.systemUTC();
    String url =
        config.databaseUrl() != null ? config.databaseUrl() : JdbcStore.h2FileUrl(config.dataDir());
    Store store = JdbcStore.open(url, config.databaseUser(), config.databasePassword());
    ServerLogs logs = new ServerLogs(config.dataDir(), logOptions, store, clock);
    var observability = new org.openpcs.server.metrics.Observability(store);
    observability.metrics().registerLogDrops(logs.delivery()::dropped);
    try {
      Identity identity = Identity.resolve(store, config.region(), config.accountId());
      Arns arns = new Arns("aws", identity.region(), identity.accountId());
      String pageKeyText =
          store.inTransaction(tx -> tx.settingIfAbsent("page-token-key", randomKey()));
      byte[] pageKey = Base64.getDecoder().decode(pageKeyText);
      SortedSet<String> versions = SlurmVersions.detect(config.extraSchedulerVersions());

      SecretSealer sealer = SecretSealer.open(config.dataDir().resolve("master.key"));
      AccessKeys keys = new AccessKeys(store, sealer, clock);
      Infrastructure infra =
          Infrastructure.build(
              config,
              store,
              sealer,
              keys.nodeKey(),
              identity.region(),
              clock,
              logs.delivery(),
              observability.metrics()::metered,
              observability.events());
      ReconcileLoop loop = new ReconcileLoop(infra.reconcilers);

      ApiServices services =
          new ApiServices(
              clock,
              IdGenerator.secure(),
              arns,
              config.quotas(),
              new PageTokens(pageKey, clock, config.quotas().paginationTokenTtl()),
              () -> versions,
              infra.facts(),
              (kind, clusterId, id) -> loop.enqueue(new ResourceKey(kind, clusterId, id)));
      OperationTable operations =
          new OperationTable(
              new ClusterOps(services),
              new NodeGroupOps(services),
              new QueueOps(services),
              new TagOps(services),
              new RegistrationOps(sealer, infra.scalingLog, clock),
              new org.openpcs.server.ops.AgentOps(services.notifier(), infra.scalingLog, clock));
      logs.addOperations(operations);
      operations.extend(
          org.openpcs.server.events.ListEventsOp.TARGET,
          new org.openpcs.server.events.ListEventsOp()::handle);
      ApiDispatcher.RequestListener apiMetrics = observability.metrics().requestListener();

      ApiDispatcher dispatcher =
          new ApiDispatcher(
              new SigV4Verifier(clock, "pcs", keys::secretOf),
              operations,
              new IdempotentExecutor(store, config.quotas().idempotencyTtl()),
              clock,
              logs.auditing(
                  (id, principal, op, status, error, nanos) -> {
                    logRequest(id, principal, op, status, error, nanos);
                    apiMetrics.completed(id, principal, op, status, error, nanos);
                  }),
              keys::isAdministrator);
      HttpFront front =
          new HttpFront(
              config.listen(), dispatcher, () -> ready(store), observability.metrics()::scrape);
      front.start();
      String endpoint = "http://" + clientHost(config.listen()) + ":" + front.port();
      Optional<Path> credentials =
          AdminProfile.ensure(store, keys, config.awsDir(), endpoint, identity.region());
      infra.started(java.net.URI.create(endpoint));
      if (infra.runtime.isPresent()) {
        logs.startSources(config.dataDir().resolve("clusters"));
      }
      loop.start(config.resyncPeriod());

      ScheduledExecutorService housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("housekeeping").factory());
      Duration ttl = config.quotas().idempotencyTtl();
      housekeeping.scheduleWithFixedDelay(
          () -> purgeTokens(store, clock, ttl),
          1,
          Math.max(1, ttl.toMinutes() / 8),
          TimeUnit.MINUTES);
      // Power saving: Slurm's resume/suspend requests are acted on within 50 ms (a readdir per
      // cluster; it is on the path of every cold start).
      infra.powerSave.ifPresent(
          power ->
              housekeeping.scheduleWithFixedDelay(power::drainAll, 50, 50, TimeUnit.MILLISECONDS));
      // Idle nodes are released when their idle time is up, not at Slurm's next 10 s pass (D34);
      // on a thread of its own: looks wait for sinfo and must not hold up power requests.
      ScheduledExecutorService idleReleases =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("idle-release").factory());
      infra.runtime.ifPresent(
          runtime ->
              idleReleases.scheduleWithFixedDelay(
                  new org.openpcs.control.slurm.IdleReleases(runtime, clock)::tickAll,
                  250,
                  250,
                  TimeUnit.MILLISECONDS));
      // Supervision: a controller daemon that died is noticed within a second, not at the next
      // resync.
      infra.runtime.ifPresent(
          runtime ->
              housekeeping.scheduleWithFixedDelay(
                  () -> runtime.downClusters().forEach(id -> loop.enqueue(ResourceKey.cluster(id))),
                  1,
                  Infrastructure.supervisionPeriod().toMillis(),
                  TimeUnit.MILLISECONDS));
      housekeeping.scheduleWithFixedDelay(
          () ->
              org.openpcs.server.metrics.Observability.purgeEvents(
                  store, clock, config.eventRetention()),
          0,
          10,
          TimeUnit.MINUTES);
      if (infra.runtime.isPresent()) {
        ClusterRuntime runtime = infra.runtime.get();
        observability.metrics().countDaemonRestarts(config.dataDir().resolve("clusters"));
        org.openpcs.slurm.SlurmInstallation.detect()
            .ifPresent(
                slurm ->
                    observability.collect(
                        new org.openpcs.server.metrics.ClusterCollector(
                            store,
                            org.openpcs.server.metrics.SlurmReader.of(slurm, runtime::paths),
                            infra.provider,
                            observability.metrics().registry(),
                            clock,
                            org.openpcs.server.metrics.Observability.COLLECTION_PERIOD)));
      }

      log.info(
          "OpenPCS listening on {} (region {}, account {}); store: {}; Slurm versions: {}",
          endpoint,
          identity.region(),
          identity.accountId(),
          store.describe(),
          versions.isEmpty() ? "none found" : String.join(", ", versions));
      credentials.ifPresent(
          c ->
              log.info(
                  "administrator credentials: profile '{}' in {} (config beside it)",
                  AdminProfile.PROFILE,
                  c));
      return new OpenPcsServer(
          store,
          loop,
          front,
          List.of(housekeeping, idleReleases),
          endpoint,
          credentials,
          infra,
          logs,
          observability);
    } catch (RuntimeException | IOException e) {
      observability.close();
      logs.close();
      store.close();
      throw e;
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public int port() {
    return front.port();
  }

  /** The local provider (for administration commands and tests). */
  public LocalProvider provider() {
    return infra.provider;
  }

  /** Metrics and events (also where log delivery registers its drop counts). */
  public org.openpcs.server.metrics.Observability observability() {
    return observability;
  }

  public Optional<Path> credentialsFile() {
    return credentials;
  }

  /** The log delivery: its drop counts feed the metrics. */
  public org.openpcs.server.logs.LogDelivery logs() {
    return logs.delivery();
  }

  private static void logRequest(
      String requestId, String principal, String op, int status, String error, long nanos) {
    if (log.isDebugEnabled()) {
      log.debug(
          "{} {} {} {} {} {}us",
          requestId,
          principal,
          op,
          status,
          error == null ? "" : error,
          nanos / 1000);
    }
  }

  private static boolean ready(Store store) {
    try {
      store.inTransaction(tx -> tx.setting("region"));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void purgeTokens(Store store, Clock clock, Duration ttl) {
    try {
      int n = store.inTransaction(tx -> tx.purgeIdempotency(clock.instant().minus(ttl)));
      if (n > 0) {
        log.debug("forgot {} expired idempotency records", n);
      }
    } catch (RuntimeException e) {
      log.warn("could not purge expired idempotency records", e);
    }
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The address clients should use: a wildcard listen address is reached via loopback. */
  private static String clientHost(InetSocketAddress listen) {
    if (listen.getAddress() == null || listen.getAddress().isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String host = listen.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** Stops taking requests, lets controllers finish their pass, closes the store. */
  @Override
  public void close() {
    front.close();
    housekeeping.forEach(ScheduledExecutorService::shutdownNow);
    logs.stopSources();
    loop.close();
    // Instances and controllers keep running: a restarted server adopts them.
    infra.provider.close();
    // After the controllers stopped: their last scaling steps and events are still delivered.
    observability.close();
    logs.close();
    store.close();
    log.info("OpenPCS stopped");
  }
}
