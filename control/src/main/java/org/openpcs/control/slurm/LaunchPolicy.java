package org.openpcs.control.slurm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.ErrorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What recent failures say about the next launch: instance types that failed to launch cool down
 * (the group's other types are tried meanwhile); a node whose instances keep failing to bootstrap
 * waits 5 s, 10 s, 20 s … up to 5 minutes before its next instance; a group whose spot capacity
 * keeps being reclaimed launches on-demand for a while. Each remembered failure is also a problem
 * to show in the group's errorInfo. In memory: a restarted server starts with a clean slate.
 */
final class LaunchPolicy {
  private static final Logger log = LoggerFactory.getLogger(LaunchPolicy.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final int SPOT_INTERRUPTIONS_BEFORE_ON_DEMAND = 3;
  private static final Duration SPOT_WINDOW = Duration.ofMinutes(10);

  private record Backoff(int failures, Instant notBefore, ErrorInfo reason) {}

  private final Clock clock;
  private final Duration cooldown;
  private final FleetEvents events;
  private final ConcurrentHashMap<String, Instant> cooling = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Backoff> backoffs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<Instant>> interruptions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> onDemandUntil = new ConcurrentHashMap<>();

  LaunchPolicy(Clock clock, Duration cooldown, FleetEvents events) {
    this.clock = clock;
    this.cooldown = cooldown;
    this.events = events;
  }

  // --- instance types

  /** The group's types that may be tried now, in the group's order. */
  List<String> usableTypes(List<String> types) {
    Instant now = clock.instant();
    return types.stream().filter(t -> !cooling.getOrDefault(t, now).isAfter(now)).toList();
  }

  /**
   * @param reason why the launch failed, e.g. INSUFFICIENT_CAPACITY
   */
  void launchFailed(ComputeNodeGroup g, String type, String node, String reason) {
    Instant now = clock.instant();
    Instant before = cooling.put(type, now.plus(cooldown));
    if (before != null && before.isAfter(now)) {
      // Already cooling: a parallel launch of the same burst failed on it too. Said once.
      return;
    }
    log.warn(
        "{} cooled down for {} s after a failed launch for node {}",
        type,
        cooldown.toSeconds(),
        node);
    events.warning(
        g, reason, type + " cooled down for " + cooldown.toSeconds() + " s after " + reason);
  }

  /** What {@link #usableTypes} left out, for the "nothing to launch" message. */
  String coolingSummary() {
    return cooling.toString();
  }

  // --- bootstrap failures per node

  void bootstrapFailed(ComputeNodeGroup g, String node, ErrorInfo reason) {
    Backoff b =
        backoffs.compute(
            key(g.id(), node),
            (k, old) -> {
              int n = old == null ? 1 : old.failures() + 1;
              long seconds = Math.min(MAX_BACKOFF.toSeconds(), 5L << Math.min(n - 1, 10));
              return new Backoff(n, clock.instant().plusSeconds(seconds), reason);
            });
    events.warning(
        g,
        "BOOTSTRAP_FAILED",
        shorten(reason.message(), 300)
            + "; next instance in "
            + Duration.between(clock.instant(), b.notBefore()).toSeconds()
            + " s");
  }

  private static String shorten(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  boolean mayLaunch(String groupId, String node) {
    Backoff wait = backoffs.get(key(groupId, node));
    return wait == null || !wait.notBefore().isAfter(clock.instant());
  }

  /** A node that bootstrapped again is healthy: forget its failures. */
  void bootstrapped(String groupId, String node) {
    backoffs.remove(key(groupId, node));
  }

  // --- spot

  /** Counts an interruption; when spot keeps failing, the group launches on-demand for a while. */
  void spotInterrupted(ComputeNodeGroup g) {
    Instant now = clock.instant();
    List<Instant> recent = interruptions.computeIfAbsent(g.id(), k -> new CopyOnWriteArrayList<>());
    recent.add(now);
    recent.removeIf(t -> t.isBefore(now.minus(SPOT_WINDOW)));
    if (recent.size() >= SPOT_INTERRUPTIONS_BEFORE_ON_DEMAND) {
      boolean already = onDemandUntil.containsKey(g.id()) && onDemandUntil.get(g.id()).isAfter(now);
      onDemandUntil.put(g.id(), now.plus(cooldown));
      log.warn(
          "{}: {} spot interruptions in {} min; launching on-demand until {}",
          g.name(),
          recent.size(),
          SPOT_WINDOW.toMinutes(),
          now.plus(cooldown));
      if (!already) {
        events.warning(
            g,
            "SPOT_INTERRUPTION",
            recent.size()
                + " spot interruptions in "
                + SPOT_WINDOW.toMinutes()
                + " min; launching on-demand for "
                + cooldown.toSeconds()
                + " s");
      }
    }
  }

  /** The purchase option to launch with now: on-demand while spot keeps being reclaimed. */
  String purchaseOption(String groupId, String configured) {
    Instant until = onDemandUntil.get(groupId);
    return until != null && until.isAfter(clock.instant()) ? "ONDEMAND" : configured;
  }

  // --- what to show

  /** Every remembered failure that concerns the group, for its errorInfo. */
  List<ErrorInfo> problems(String groupId, List<String> types, String configuredPurchase) {
    Instant now = clock.instant();
    List<ErrorInfo> problems = new ArrayList<>();
    types.stream()
        .filter(t -> cooling.getOrDefault(t, now).isAfter(now))
        .forEach(
            t ->
                problems.add(
                    new ErrorInfo(
                        "INSUFFICIENT_CAPACITY",
                        t + " failed to launch; cooling down until " + cooling.get(t))));
    if (!purchaseOption(groupId, configuredPurchase).equals(configuredPurchase)) {
      problems.add(
          new ErrorInfo(
              "SPOT_INTERRUPTION",
              "spot capacity keeps being reclaimed; launching on-demand until "
                  + onDemandUntil.get(groupId)));
    }
    backoffs.forEach(
        (k, b) -> {
          if (k.startsWith(groupId + "/")) {
            problems.add(b.reason());
          }
        });
    return problems;
  }

  private static String key(String groupId, String node) {
    return groupId + "/" + node;
  }
}
