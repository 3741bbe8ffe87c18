package org.openpcs.provider.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.openpcs.agent.AgentConfig;
import org.openpcs.agent.AgentState;
import org.openpcs.agent.NodeProcesses;
import org.openpcs.agent.RecordedAgent;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.FaultInjection;
import org.openpcs.provider.Instance;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded provider: every instance is a directory {@code <stateDir>/<instanceId>/} on this
 * machine plus an agent (by default in-process, see {@link AgentRunner}) that registers, runs the
 * launch template's bootstrap script and starts the node's munged and slurmd.
 *
 * <ul>
 *   <li>An instance is RUNNING from the moment {@link #launch} returns (as an EC2 instance is
 *       running while its user data still boots it); how its agent is doing is the agent's
 *       heartbeat to the server, and {@link Instance#stateReason()} repeats the agent's failure
 *       (e.g. {@code agent: BOOTSTRAP_FAILED: ...}) from {@code agent-state.json}.
 *   <li>Launches are idempotent by token: the token is persisted in {@code instance.json} with the
 *       instance (id, type, tags, template, image, bootstrap minus the secret access key, state,
 *       launch time) <em>before</em> the agent starts, so a crash leaves a record, never an orphan.
 *   <li>{@link #terminate} stops the agent and its daemons, marks the record TERMINATED and keeps
 *       it (and the logs) for {@link Options#terminatedRetention()}; then the directory is removed.
 *   <li>{@link #close()} (server shutdown) detaches the agents and leaves the nodes running; after
 *       a restart {@link #adoptAll} resumes their heartbeats.
 * </ul>
 *
 * Thread-safe.
 */
public final class LocalProvider implements ComputeProvider, FaultInjection, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalProvider.class);
  public static final String NAME = "local";
  public static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{17}");
  static final String RUNNING = "RUNNING";
  static final String TERMINATED = "TERMINATED";
  static final String PRIVATE_IP = "127.0.0.1";

  /**
   * Tunables.
   *
   * @param heartbeatInterval of the agents
   * @param terminatedRetention how long terminated instances stay visible (and their directory)
   * @param maxInstances running instances at most; more is LIMIT_EXCEEDED
   * @param registrationTimeout bootstrapTimeout startTimeout for the agents ({@code null} = the
   *     agent's defaults)
   * @param spotInterruptionRate for testing: expected spot interruption notices per spot instance
   *     and hour, delivered at random (0 = none)
   */
  public record Options(
      Duration heartbeatInterval,
      Duration terminatedRetention,
      int maxInstances,
      Duration registrationTimeout,
      Duration bootstrapTimeout,
      Duration startTimeout,
      double spotInterruptionRate) {
    public Options(
        Duration heartbeatInterval,
        Duration terminatedRetention,
        int maxInstances,
        Duration registrationTimeout,
        Duration bootstrapTimeout,
        Duration startTimeout) {
      this(
          heartbeatInterval,
          terminatedRetention,
          maxInstances,
          registrationTimeout,
          bootstrapTimeout,
          startTimeout,
          0);
    }

    public static Options defaults() {
      return new Options(Duration.ofSeconds(10), Duration.ofHours(1), 1024, null, null, null);
    }

    public Options withTerminatedRetention(Duration d) {
      return new Options(
          heartbeatInterval,
          d,
          maxInstances,
          registrationTimeout,
          bootstrapTimeout,
          startTimeout,
          spotInterruptionRate);
    }

    public Options withMaxInstances(int n) {
      return new Options(
          heartbeatInterval,
          terminatedRetention,
          n,
          registrationTimeout,
          bootstrapTimeout,
          startTimeout,
          spotInterruptionRate);
    }

    public Options withSpotInterruptionRate(double perInstanceHour) {
      return new Options(
          heartbeatInterval,
          terminatedRetention,
          maxInstances,
          registrationTimeout,
          bootstrapTimeout,
          startTimeout,
          perInstanceHour);
    }
  }

  private final Path stateDir;
  private final InstanceTypeCatalog catalog;
  private final LaunchTemplates templates;
  private final NodeImages images;
  private final Clock clock;
  private final AgentRunner runner;
  private final Options options;
  private final SpotNotices notices;

  // guarded by this
  private final Map<String, InstanceRecord> records = new LinkedHashMap<>();
  private final Map<String, String> tokens = new HashMap<>();
  private final Map<String, AgentRunner.Handle> handles = new HashMap<>();

  /** Instances being terminated → done when their termination has returned. */
  private final Map<String, CompletableFuture<Void>> terminating = new HashMap<>();

  private int failuresLeft;
  private String failureReason;
  private boolean closed;

  public LocalProvider(
      Path stateDir,
      InstanceTypeCatalog catalog,
      LaunchTemplates templates,
      NodeImages images,
      Clock clock,
      AgentRunner runner) {
    this(stateDir, catalog, templates, images, clock, runner, Options.defaults());
  }

  /**
   * Loads the persisted instances from {@code stateDir} (created if missing; it should be {@code
   * <dataDir>/instances}). Their agents are not resumed until {@link #adoptAll}.
   */
  public LocalProvider(
      Path stateDir,
      InstanceTypeCatalog catalog,
      LaunchTemplates templates,
      NodeImages images,
      Clock clock,
      AgentRunner runner,
      Options options) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.notices =
        new SpotNotices(
            this.stateDir,
            clock,
            new RandomInterruptions(
                options.spotInterruptionRate(),
                java.util.random.RandomGenerator.getDefault(),
                clock));
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.templates = Objects.requireNonNull(templates, "templates");
    this.images = Objects.requireNonNull(images, "images");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.options = Objects.requireNonNull(options, "options");
    load();
  }

  /** The usual wiring under a data directory, with the in-process agent. */
  public static LocalProvider forDataDir(
      Path dataDir, InstanceTypeCatalog catalog, Clock clock, Options options) {
    return new LocalProvider(
        dataDir.resolve("instances"),
        catalog,
        new LaunchTemplates(dataDir.resolve("launch-templates")),
        new NodeImages(dataDir.resolve("node-images")),
        clock,
        AgentRunner.inProcess(),
        options);
  }

  private void load() {
    try {
      Files.createDirectories(stateDir);
      List<InstanceRecord> loaded = new ArrayList<>();
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDir)) {
        for (Path d : dirs) {
          String name = d.getFileName().toString();
          if (!INSTANCE_ID.matcher(name).matches() || !Files.isDirectory(d)) {
            continue;
          }
          try {
            loaded.add(JsonFiles.read(d.resolve(InstanceRecord.FILE), InstanceRecord.class));
          } catch (NoSuchFileException e) {
            // a launch that died before its record was written: nothing was started
            JsonFiles.deleteTree(d);
          }
        }
      }
      loaded.sort(
          Comparator.comparing(InstanceRecord::launchedAt)
              .thenComparing(InstanceRecord::instanceId));
      for (InstanceRecord r : loaded) {
        records.put(r.instanceId(), r);
        if (r.token() != null) {
          tokens.put(r.token(), r.instanceId());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load instances from " + stateDir, e);
    }
  }

  // -------------------------------------------------------------------------------- the port

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Launches an instance. Only the bookkeeping (token, limit, id) holds the provider's lock; the
   * instance's directory, record file and agent are made outside it, so a burst's parallel launches
   * do not queue behind each other's file system calls.
   */
  @Override
  public Instance launch(LaunchRequest request) {
    ResolvedLaunch resolved = ResolvedLaunch.of(request, catalog, templates, images);
    InstanceType type = resolved.type();
    String templateId = resolved.templateId();
    LaunchTemplates.Version version = resolved.version();
    NodeImages.NodeImage image = resolved.image();
    Bootstrap b = resolved.bootstrap();
    InstanceRecord rec;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the provider is closed");
      }
      purgeExpired();
      if (request.token() != null && tokens.containsKey(request.token())) {
        return toInstance(records.get(tokens.get(request.token())));
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new LaunchException(failureReason, "injected launch failure (failNextLaunches)");
      }
      long running = records.values().stream().filter(r -> !TERMINATED.equals(r.state())).count();
      if (running >= options.maxInstances()) {
        throw new LaunchException(
            "LIMIT_EXCEEDED",
            "the local provider runs at most " + options.maxInstances() + " instances");
      }
      String id;
      do {
        id = JsonFiles.hexId("i-", 17);
      } while (records.containsKey(id) || Files.exists(stateDir.resolve(id)));
      rec =
          new InstanceRecord(
              id,
              type.name(),
              request.purchaseOption(),
              templateId,
              version.version(),
              image.id(),
              request.tags() == null ? Map.of() : Map.copyOf(request.tags()),
              request.token(),
              new InstanceRecord.BootstrapInfo(
                  b.endpoint().toString(),
                  b.region(),
                  b.accessKeyId(),
                  b.clusterId(),
                  b.bootstrapId(),
                  b.login()),
              RUNNING,
              null,
              PRIVATE_IP,
              clock.instant().toString(),
              null);
      // Reserved: the id, the token and the limit count it from here on.
      records.put(id, rec);
      if (request.token() != null) {
        tokens.put(request.token(), id);
      }
    }
    String id = rec.instanceId();
    Path dir = stateDir.resolve(id);
    AgentRunner.Handle handle;
    try {
      Files.createDirectory(dir);
      // 0755: munged wants o+x on every directory above its socket
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      JsonFiles.write(dir.resolve(InstanceRecord.FILE), rec, "rw-------");
      handle = runner.run(agentConfig(rec, b, version.script(), version.environment(), image));
    } catch (IOException | RuntimeException e) {
      String why = e instanceof IOException ? "cannot create " + dir : "the agent did not start";
      synchronized (this) {
        if (Files.isDirectory(dir)) {
          save(rec.withState(TERMINATED, "LAUNCH_ERROR: " + why + ": " + e.getMessage(), now()));
        } else {
          records.put(id, rec.withState(TERMINATED, "LAUNCH_ERROR: " + why, now()));
        }
      }
      throw new LaunchException("LAUNCH_ERROR", why + " for " + id + ": " + e.getMessage());
    }
    boolean terminatedMeanwhile;
    boolean closedMeanwhile;
    synchronized (this) {
      terminatedMeanwhile =
          terminating.containsKey(id) || TERMINATED.equals(records.get(id).state());
      closedMeanwhile = closed;
      if (!terminatedMeanwhile && !closedMeanwhile) {
        handles.put(id, handle);
      }
    }
    if (terminatedMeanwhile) {
      // terminated while its agent was being started: that termination found no agent to stop
      Optional<String> ns = NodeProcesses.namespaceOf(dir);
      handle.close();
      endLeftovers(Map.of(dir, ns));
    } else if (closedMeanwhile) {
      // the server is stopping: the instance lives on and is adopted at the next start
      handle.detach();
    }
    log.info(
        "launched {} ({}, template {}:{}, image {}) for cluster {}",
        id,
        type.name(),
        templateId,
        version.version(),
        image.id(),
        b.clusterId());
    return toInstance(rec);
  }

  private String now() {
    return clock.instant().toString();
  }

  /**
   * Stops each instance's agent and daemons (in parallel; slurmd gets SIGTERM, SIGKILL after 10 s),
   * kills whatever else still runs on them (job steps), then marks them TERMINATED. Returns when
   * they are stopped — also those another call was already terminating, so that no caller goes on
   * (to launch the node's next instance, say) while the old one still runs. Unknown and terminated
   * ids are ignored.
   */
  @Override
  public void terminate(Collection<String> instanceIds) {
    Map<String, AgentRunner.Handle> stopping = new LinkedHashMap<>();
    List<CompletableFuture<Void>> elsewhere = new ArrayList<>();
    synchronized (this) {
      purgeExpired();
      for (String id : new LinkedHashSetOf(instanceIds)) {
        InstanceRecord r = records.get(id);
        if (terminating.containsKey(id)) {
          elsewhere.add(terminating.get(id));
        }
        if (r == null || TERMINATED.equals(r.state()) || terminating.containsKey(id)) {
          continue;
        }
        terminating.put(id, new CompletableFuture<>());
        stopping.put(id, handles.remove(id));
      }
    }
    if (!stopping.isEmpty()) {
      terminateNow(stopping);
    }
    elsewhere.forEach(CompletableFuture::join);
  }

  private void terminateNow(Map<String, AgentRunner.Handle> stopping) {
    // slurmd's namespace, read while slurmd still runs: after the stop it identifies what is left
    Map<Path, Optional<String>> namespaces = new LinkedHashMap<>();
    for (String id : stopping.keySet()) {
      namespaces.put(stateDir.resolve(id), NodeProcesses.namespaceOf(stateDir.resolve(id)));
    }
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      stopping.forEach((id, handle) -> ex.submit(() -> stop(id, handle)));
    }
    endLeftovers(namespaces);
    synchronized (this) {
      String now = clock.instant().toString();
      for (String id : stopping.keySet()) {
        InstanceRecord r = records.get(id);
        try {
          if (r != null) {
            save(r.withState(TERMINATED, "terminated by request", now));
          }
        } finally {
          terminating.remove(id).complete(null);
        }
      }
    }
    log.info("terminated {}", stopping.keySet());
  }

  /**
   * Ends what the stopped daemons leave running on the instances — job steps and the jobs' own
   * processes — as a powered-off machine would (see {@link NodeProcesses}).
   */
  private void endLeftovers(Map<Path, Optional<String>> namespaces) {
    try {
      NodeProcesses.killAll(namespaces);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("ending the processes of {} failed: {}", namespaces.keySet(), e.toString());
    }
  }

  private void stop(String id, AgentRunner.Handle handle) {
    try {
      if (handle != null) {
        handle.close();
      } else {
        // no agent in this process (not adopted, or started by an earlier process)
        RecordedAgent.stop(stateDir.resolve(id));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("stopping {} failed: {}", id, e.toString());
    }
  }

  @Override
  public List<Instance> describe(Map<String, String> tags) {
    interruptAtRandom();
    Map<String, Optional<Instant>> deadlines = reclaimInterrupted();
    // Instances launched since are not in the map: their (absent) notice is read on demand.
    return describeNow(
        tags, id -> deadlines.containsKey(id) ? deadlines.get(id) : notices.deadline(id));
  }

  private List<Instance> describeNow(
      Map<String, String> tags, Function<String, Optional<Instant>> deadlineOf) {
    List<InstanceRecord> matching = new ArrayList<>();
    synchronized (this) {
      purgeExpired();
      for (InstanceRecord r : records.values()) {
        if (tags == null || r.tags().entrySet().containsAll(tags.entrySet())) {
          matching.add(r);
        }
      }
    }
    // Outside the lock: each running instance's agent state is read from its files, and a burst's
    // launches must not queue behind a describe of hundreds of instances.
    return matching.stream().map(r -> toInstance(r, deadlineOf)).toList();
  }

  @Override
  public InstanceTypeCatalog catalog() {
    return catalog;
  }

  @Override
  public Map<String, List<String>> launchTemplates() {
    return templates.versionsById();
  }

  @Override
  public List<String> images() {
    return images.ids();
  }

  /** {@link #terminate} returns once every process of the instances has ended. */
  @Override
  public Duration releaseTime() {
    return Duration.ZERO;
  }

  @Override
  public synchronized void failNextLaunches(int n, String reason) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0");
    }
    failuresLeft = n;
    failureReason = reason == null ? "LAUNCH_ERROR" : reason;
  }

  // -------------------------------------------------------------------------------- restart

  /**
   * After a restart: resumes the agent of every persisted RUNNING instance that has none in this
   * process. The agent heartbeats again without registering (registration is single-use); if the
   * node's slurmd died meanwhile it is not restarted — the instance stays RUNNING and the agent's
   * heartbeats (and {@link Instance#stateReason()}) say {@code slurmd is not running}, so the
   * server replaces the node. An instance whose agent never registered is started afresh with its
   * bootstrap id (which the server then accepts or refuses).
   *
   * @param bootstrapFor the endpoint and node credentials each agent should use now (they are not
   *     persisted, and the endpoint may have changed); {@code bootstrapId} and {@code login} are
   *     taken from the record unless the server supplies a bootstrap id. Return {@code null} to
   *     leave an instance alone (for example one the server does not know; terminate it).
   * @return the instances whose agents now run
   */
  public List<Instance> adoptAll(Function<Instance, Bootstrap> bootstrapFor) {
    List<InstanceRecord> candidates = new ArrayList<>();
    synchronized (this) {
      for (InstanceRecord r : records.values()) {
        if (RUNNING.equals(r.state())
            && !handles.containsKey(r.instanceId())
            && !terminating.containsKey(r.instanceId())) {
          candidates.add(r);
        }
      }
    }
    List<Instance> adopted = new ArrayList<>();
    for (InstanceRecord r : candidates) {
      Instance inst = toInstance(r);
      Bootstrap given = bootstrapFor.apply(inst);
      if (given == null) {
        log.info("not adopting {}: no credentials for it", r.instanceId());
        continue;
      }
      Bootstrap b =
          new Bootstrap(
              given.endpoint(),
              given.region(),
              given.accessKeyId(),
              given.secretAccessKey(),
              r.bootstrap().clusterId(),
              given.bootstrapId() == null ? r.bootstrap().bootstrapId() : given.bootstrapId(),
              r.bootstrap().login());
      Path dir = stateDir.resolve(r.instanceId());
      Optional<LaunchTemplates.Version> version =
          templates.resolve(r.launchTemplateId(), r.launchTemplateVersion());
      NodeImages.NodeImage image = images.find(r.imageId()).orElse(images.find(null).orElseThrow());
      AgentConfig config =
          agentConfig(
              r,
              b,
              version.map(LaunchTemplates.Version::script).orElse(null),
              version.map(LaunchTemplates.Version::environment).orElse(Map.of()),
              image);
      try {
        boolean registered = RecordedAgent.read(dir).map(x -> x.state() != null).orElse(false);
        AgentRunner.Handle h = registered ? runner.adopt(config) : runner.run(config);
        synchronized (this) {
          if (closed || terminating.containsKey(r.instanceId())) {
            h.detach();
            continue;
          }
          handles.put(r.instanceId(), h);
        }
        adopted.add(inst);
        log.info("adopted {} ({})", r.instanceId(), registered ? "resumed" : "started afresh");
      } catch (RuntimeException e) {
        log.warn("cannot adopt {}: {}", r.instanceId(), e.toString());
      }
    }
    return adopted;
  }

  /** The prefix of an instance's state reason while a spot interruption notice is pending. */
  public static final String SPOT_INTERRUPTION = Instance.SPOT_INTERRUPTION;

  /**
   * Delivers a spot interruption notice: the instance is reclaimed after {@code notice}, as EC2
   * does two minutes after its notice.
   */
  public void interrupt(String instanceId, Duration notice) {
    notices.deliver(instanceId, notice);
  }

  /**
   * Writes an interruption notice for an instance under {@code stateDir} ({@code
   * <data-dir>/instances}); the provider that runs the instance acts on it at its next look.
   */
  public static void deliverInterruption(Path stateDir, String instanceId, Instant deadline) {
    SpotNotices.deliver(stateDir, instanceId, deadline);
  }

  /** How long before reclaiming an instance EC2 gives notice, and so do random interruptions. */
  static final Duration INTERRUPTION_NOTICE = SpotNotices.NOTICE;

  /** With a random interruption rate set: notices for running spot instances, at random. */
  private void interruptAtRandom() {
    if (!notices.randomEnabled()) {
      return;
    }
    List<String> spot = new ArrayList<>();
    synchronized (this) {
      for (InstanceRecord r : records.values()) {
        if (RUNNING.equals(r.state())
            && "SPOT".equals(r.purchaseOption())
            && !terminating.containsKey(r.instanceId())) {
          spot.add(r.instanceId());
        }
      }
    }
    notices.interruptAtRandom(spot); // reads the notice files: outside the lock (see describeNow)
  }

  /**
   * Instances whose interruption deadline passed are reclaimed, whether or not anyone reacted.
   * Returns every live instance's deadline, read once, for the description that follows.
   */
  private Map<String, Optional<Instant>> reclaimInterrupted() {
    List<String> live;
    synchronized (this) {
      live =
          records.values().stream()
              .filter(r -> !TERMINATED.equals(r.state()))
              .map(InstanceRecord::instanceId)
              .toList();
    }
    Map<String, Optional<Instant>> deadlines = new HashMap<>();
    for (String id : live) {
      deadlines.put(id, notices.deadline(id)); // outside the lock, as above
    }
    Instant now = clock.instant();
    List<String> due =
        live.stream()
            .filter(id -> deadlines.get(id).map(t -> !t.isAfter(now)).orElse(false))
            .toList();
    if (!due.isEmpty()) {
      log.warn("reclaiming interrupted spot instances {}", due);
      terminate(due);
    }
    return deadlines;
  }

  /** Lets go of every agent; the nodes keep running for a later {@link #adoptAll}. */
  @Override
  public void close() {
    List<AgentRunner.Handle> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(handles.values());
      handles.clear();
    }
    for (AgentRunner.Handle h : all) {
      try {
        h.detach();
      } catch (RuntimeException e) {
        log.warn("detaching an agent failed: {}", e.toString());
      }
    }
  }

  // -------------------------------------------------------------------------------- helpers

  /** An instance's directory (logs, agent state). */
  public Path instanceDir(String instanceId) {
    return stateDir.resolve(instanceId);
  }

  public LaunchTemplates templates() {
    return templates;
  }

  public NodeImages nodeImages() {
    return images;
  }

  private AgentConfig agentConfig(
      InstanceRecord r,
      Bootstrap b,
      String script,
      Map<String, String> env,
      NodeImages.NodeImage image) {
    return new AgentConfig(
        b.endpoint(),
        b.region(),
        b.accessKeyId(),
        b.secretAccessKey(),
        b.clusterId(),
        b.bootstrapId(),
        r.instanceId(),
        stateDir.resolve(r.instanceId()),
        script == null || script.isBlank() ? null : script,
        env,
        b.login(),
        options.heartbeatInterval(),
        image.slurmSbinDir(),
        image.mungeSbinDir(),
        options.registrationTimeout(),
        options.bootstrapTimeout(),
        options.startTimeout());
  }

  private void save(InstanceRecord r) {
    JsonFiles.write(stateDir.resolve(r.instanceId()).resolve(InstanceRecord.FILE), r, "rw-------");
    records.put(r.instanceId(), r);
  }

  /** Forgets terminated instances older than the retention and removes their directories. */
  private void purgeExpired() {
    Instant cutoff = clock.instant().minus(options.terminatedRetention());
    List<String> expired = new ArrayList<>();
    for (InstanceRecord r : records.values()) {
      if (TERMINATED.equals(r.state())
          && r.terminatedAt() != null
          && Instant.parse(r.terminatedAt()).isBefore(cutoff)) {
        expired.add(r.instanceId());
      }
    }
    for (String id : expired) {
      InstanceRecord r = records.remove(id);
      if (r.token() != null) {
        tokens.remove(r.token(), id);
      }
      try {
        JsonFiles.deleteTree(stateDir.resolve(id));
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", stateDir.resolve(id), e.toString());
      }
    }
  }

  private Instance toInstance(InstanceRecord r) {
    return toInstance(r, notices::deadline);
  }

  private Instance toInstance(InstanceRecord r, Function<String, Optional<Instant>> deadlineOf) {
    String reason = r.stateReason();
    if (!TERMINATED.equals(r.state())) {
      reason =
          RecordedAgent.read(stateDir.resolve(r.instanceId()))
              .map(LocalProvider::agentReason)
              .orElse(reason);
      Optional<Instant> deadline = deadlineOf.apply(r.instanceId());
      if (deadline.isPresent()) {
        reason = SPOT_INTERRUPTION + ": the instance will be reclaimed at " + deadline.get();
      }
    }
    return new Instance(
        r.instanceId(),
        r.instanceType(),
        r.state(),
        r.privateIp(),
        r.tags(),
        Instant.parse(r.launchedAt()),
        reason);
  }

  private static String agentReason(RecordedAgent a) {
    if (a.state() == AgentState.BOOTSTRAP_FAILED) {
      return "agent: BOOTSTRAP_FAILED: " + a.message();
    }
    if (a.state() == AgentState.STOPPED) {
      return "agent: STOPPED";
    }
    return a.message() == null ? null : "agent: " + a.message();
  }

  /** Distinct ids in order, ignoring nulls. */
  private static final class LinkedHashSetOf extends java.util.LinkedHashSet<String> {
    LinkedHashSetOf(Collection<String> ids) {
      if (ids != null) {
        ids.stream().filter(Objects::nonNull).forEach(this::add);
      }
    }
  }
}
