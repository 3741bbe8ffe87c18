package org.openpcs.control.slurm;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.control.ScalingLog;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.NodeInstance;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.Instance;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.openpcs.store.StaleVersionException;
import org.openpcs.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launching and terminating single instances for nodes, and their records: every launch is recorded
 * before the provider is called and carries an idempotency token and ownership tags, so a launch
 * interrupted by a crash is found again instead of duplicated; every step goes to the scaling log.
 * Also knows which records and nodes a call of this process is working on right now, so that the
 * group passes leave them alone.
 */
final class Launches {
  private static final Logger log = LoggerFactory.getLogger(Launches.class);

  /**
   * Launches in flight at once per group and call. Enough to hide the provider's and the store's
   * latency; few enough that a cloud API's rate limit is not hit by one burst.
   */
  static final int LAUNCH_PARALLELISM = 16;

  private final Store store;
  private final ComputeProvider provider;
  private final NodeBootstrap bootstrap;
  private final Clock clock;
  private final ScalingLog scaling;
  private final LaunchPolicy policy;
  private final SecureRandom random = new SecureRandom();

  /**
   * Bootstrap ids of the records a launch or termination of this process is working on. A pass that
   * ran meanwhile took a launch still in the provider's call for one lost in a crash and launched
   * it again, and a termination for an instance that vanished (and took its node down).
   */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * Dynamic nodes ({@code groupId/node}) a launch is working on, from before it reads the records
   * until its own record is written: the power-saving requests and the power-up watch both launch
   * dynamic nodes, and whichever comes second must see the first one's record, never launch twice.
   */
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();

  Launches(
      Store store,
      ComputeProvider provider,
      NodeBootstrap bootstrap,
      Clock clock,
      ScalingLog scaling,
      LaunchPolicy policy) {
    this.store = store;
    this.provider = provider;
    this.bootstrap = bootstrap;
    this.clock = clock;
    this.scaling = scaling;
    this.policy = policy;
  }

  /** Whether a launch or termination of this process works on the record right now. */
  boolean inFlight(String bootstrapId) {
    return inFlight.contains(bootstrapId);
  }

  /** The bootstrap ids being launched or terminated right now (a live view). */
  Set<String> inFlight() {
    return java.util.Collections.unmodifiableSet(inFlight);
  }

  /** Claims a dynamic node for a launch; false when another launch holds it. */
  boolean claim(ComputeNodeGroup g, String node) {
    return claimed.add(claim(g.id(), node));
  }

  void release(ComputeNodeGroup g, String node) {
    claimed.remove(claim(g.id(), node));
  }

  /** The group's nodes some launch holds right now. */
  Set<String> claimedNodes(ComputeNodeGroup g) {
    String prefix = g.id() + "/";
    return claimed.stream()
        .filter(k -> k.startsWith(prefix))
        .map(k -> k.substring(prefix.length()))
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Launches an instance for each node, {@link #LAUNCH_PARALLELISM} at a time, and returns the
   * nodes that got one, in the given order. A node that got none has its problems in {@code
   * failed}. A launch is a provider call plus two store writes; one after the other they made a
   * 256-node burst wait over a minute for its last instance.
   */
  List<String> launchAll(
      ComputeNodeGroup g,
      List<String> nodes,
      boolean login,
      String reason,
      Map<String, List<ErrorInfo>> failed) {
    return BoundedParallel.succeeded(
        nodes,
        LAUNCH_PARALLELISM,
        node -> {
          List<ErrorInfo> problems = new ArrayList<>();
          boolean ok = launch(g, node, login, problems, reason);
          if (!ok) {
            failed.put(node, problems);
          }
          return ok;
        });
  }

  /**
   * Launches an instance for a node, trying the group's instance types in their order and skipping
   * types that are cooling down after a failed launch; a type that fails now cools down and the
   * next one is tried at once. Adds a problem only when no type could be launched.
   *
   * @return whether an instance was launched
   */
  private boolean launch(
      ComputeNodeGroup g, String nodeName, boolean login, List<ErrorInfo> problems, String reason) {
    List<String> types = policy.usableTypes(g.spec().instanceTypes());
    if (types.isEmpty()) {
      problems.add(
          new ErrorInfo(
              "INSUFFICIENT_CAPACITY",
              nodeName
                  + ": every instance type of "
                  + g.name()
                  + " is cooling down after failed launches: "
                  + policy.coolingSummary()));
      return false;
    }
    List<ErrorInfo> failures = new ArrayList<>();
    for (String type : types) {
      String bootstrapId = "bs-" + HexFormat.of().formatHex(randomBytes(16));
      NodeInstance ni =
          new NodeInstance(
              bootstrapId,
              g.clusterId(),
              g.id(),
              nodeName,
              null,
              type,
              bootstrapId,
              "LAUNCHING",
              reason,
              clock.instant().truncatedTo(ChronoUnit.MICROS),
              null,
              null,
              0);
      List<ErrorInfo> attempt = new ArrayList<>();
      inFlight.add(bootstrapId);
      try {
        store.inTransaction(
            tx -> {
              tx.insertNodeInstance(ni);
              return null;
            });
        relaunch(g, ni, login, attempt);
      } finally {
        inFlight.remove(bootstrapId);
      }
      if (attempt.isEmpty()) {
        return true;
      }
      failures.addAll(attempt);
      policy.launchFailed(g, type, nodeName, attempt.get(0).code());
    }
    problems.addAll(failures);
    return false;
  }

  void relaunch(ComputeNodeGroup g, NodeInstance ni, boolean login, List<ErrorInfo> problems) {
    var s = g.spec();
    LaunchRequest request =
        new LaunchRequest(
            ni.launchToken(),
            ni.instanceType(),
            policy.purchaseOption(g.id(), g.spec().purchaseOption()),
            s.customLaunchTemplate().id(),
            s.customLaunchTemplate().version(),
            s.amiId(),
            OwnershipTags.of(g, ni.nodeName(), ni.bootstrapId(), login),
            new Bootstrap(
                bootstrap.endpoint().get(),
                bootstrap.region(),
                bootstrap.accessKeyId(),
                bootstrap.secretAccessKey(),
                g.clusterId(),
                ni.bootstrapId(),
                login));
    try {
      Instance launched = provider.launch(request);
      log.info(
          "launched {} ({}) for node {} of {}",
          launched.instanceId(),
          ni.instanceType(),
          ni.nodeName(),
          g.name());
      // Recorded first: the agent may register before the id is stored (a stale write below),
      // and the launch has happened whatever the store says.
      record(g, ni, launched.instanceId(), "LAUNCHED", ni.message(), null);
      update(ni, current -> current.withInstanceId(launched.instanceId()));
    } catch (LaunchException e) {
      log.warn(
          "launch for node {} of {} failed: {} {}",
          ni.nodeName(),
          g.name(),
          e.reason(),
          e.getMessage());
      problems.add(new ErrorInfo(e.reason(), ni.nodeName() + ": " + e.getMessage()));
      mark(ni, "TERMINATED", "LAUNCH_FAILED " + e.reason() + ": " + e.getMessage());
      record(g, ni, null, "LAUNCH_FAILED", e.reason(), e.getMessage());
    }
  }

  void terminate(ComputeNodeGroup g, NodeInstance ni, String reason, String why) {
    inFlight.add(ni.bootstrapId());
    try {
      if (ni.instanceId() != null) {
        provider.terminate(List.of(ni.instanceId()));
      }
      mark(ni, "TERMINATED", why);
    } finally {
      inFlight.remove(ni.bootstrapId());
    }
    record(g, ni, ni.instanceId(), "TERMINATED", reason, why);
    log.info("terminated {} (node {}): {}", ni.instanceId(), ni.nodeName(), why);
  }

  void record(
      ComputeNodeGroup g,
      NodeInstance ni,
      String instanceId,
      String state,
      String reason,
      String message) {
    scaling.record(
        new ScalingLog.Entry(
            clock.instant(),
            g.clusterId(),
            g.id(),
            g.name(),
            ni.nodeName(),
            instanceId,
            ni.instanceType(),
            state,
            reason,
            message));
  }

  void mark(NodeInstance ni, String state, String message) {
    update(ni, current -> current.with(state, message));
  }

  /** Applies a change to the newest version of the record, again when a heartbeat raced us. */
  private void update(NodeInstance ni, java.util.function.UnaryOperator<NodeInstance> change) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        // Read in the same transaction: a nested one would hold a second pooled connection, and
        // parallel launches then starve the pool.
        store.inTransaction(
            tx ->
                tx.updateNodeInstance(
                    change.apply(tx.findNodeInstance(ni.bootstrapId()).orElse(ni))));
        return;
      } catch (StaleVersionException e) {
        // re-read and apply again
      }
    }
  }

  NodeInstance current(NodeInstance ni) {
    return store.inTransaction(tx -> tx.findNodeInstance(ni.bootstrapId())).orElse(ni);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static String claim(String groupId, String node) {
    return groupId + "/" + node;
  }
}
