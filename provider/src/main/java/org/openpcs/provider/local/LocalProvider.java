package org.openpcs.provider.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.FaultInjection;
import org.openpcs.provider.Instance;
import org.openpcs.provider.InstanceTypeCatalog;
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
  private final AgentRunner runner;
  private final SpotNotices notices;
  private final InstanceViews views;
  private final AgentConfigs agentConfigs;
  private final Terminations terminations;
  private final Launches launches;
  private final Adoptions adoptions;
  private final SpotInterruptions spot;

  /**
   * The provider's one lock is the book's monitor: records, tokens, agents, terminations under way,
   * the closed flag and injected failures are read and changed only inside {@code synchronized
   * (book)}, here and in the classes it hands the book to ({@link Launches}, {@link Terminations},
   * {@link Adoptions}, {@link SpotInterruptions}).
   */
  private final InstanceBook book;

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
    Objects.requireNonNull(clock, "clock");
    this.runner = Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(options, "options");
    this.book = new InstanceBook(this.stateDir, clock, options.terminatedRetention());
    this.views = new InstanceViews(this.stateDir, notices);
    this.agentConfigs = new AgentConfigs(this.stateDir, options, templates, images);
    this.terminations = new Terminations(book, this.stateDir, clock);
    this.launches =
        new Launches(
            book,
            this.stateDir,
            catalog,
            templates,
            images,
            clock,
            runner,
            agentConfigs,
            views,
            terminations,
            options.maxInstances());
    this.adoptions = new Adoptions(book, this.stateDir, runner, agentConfigs, views);
    this.spot = new SpotInterruptions(book, notices, terminations);
    book.load();
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

  // -------------------------------------------------------------------------------- the port

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Launches an instance. Only the bookkeeping (token, limit, id) holds the provider's lock; the
   * instance's directory, record file and agent are made outside it, so a burst's parallel launches
   * do not queue behind each other's file system calls (see {@link Launches}).
   */
  @Override
  public Instance launch(LaunchRequest request) {
    return launches.launch(request);
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
    terminations.terminate(instanceIds);
  }

  @Override
  public List<Instance> describe(Map<String, String> tags) {
    spot.interruptAtRandom();
    Map<String, Optional<Instant>> deadlines = spot.reclaimInterrupted();
    // Instances launched since are not in the map: their (absent) notice is read on demand.
    return describeNow(
        tags, id -> deadlines.containsKey(id) ? deadlines.get(id) : notices.deadline(id));
  }

  private List<Instance> describeNow(
      Map<String, String> tags, Function<String, Optional<Instant>> deadlineOf) {
    List<InstanceRecord> matching;
    synchronized (book) {
      book.purgeExpired();
      matching = book.matching(tags);
    }
    // Outside the lock: each running instance's agent state is read from its files, and a burst's
    // launches must not queue behind a describe of hundreds of instances.
    return matching.stream().map(r -> views.of(r, deadlineOf)).toList();
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
  public void failNextLaunches(int n, String reason) {
    synchronized (book) {
      if (n < 0) {
        throw new IllegalArgumentException("n must be >= 0");
      }
      book.failNextLaunches(n, reason);
    }
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
    return adoptions.adoptAll(bootstrapFor);
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

  /** Lets go of every agent; the nodes keep running for a later {@link #adoptAll}. */
  @Override
  public void close() {
    List<AgentRunner.Handle> all;
    synchronized (book) {
      all = book.close();
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
}
