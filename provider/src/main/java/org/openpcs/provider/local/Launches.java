package org.openpcs.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.Instance;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the local provider's instances: reserves the instance in the book, then makes its
 * directory, writes its record and starts its agent.
 *
 * <p>Only the bookkeeping (token, limit, id) holds the provider's lock, the book's monitor; the
 * instance's directory, record file and agent are made outside it, so a burst's parallel launches
 * do not queue behind each other's file system calls (D25). The record is written before the agent
 * starts, so a crash leaves a record, never an orphan.
 */
final class Launches {
  private static final Logger log = LoggerFactory.getLogger(Launches.class);

  private final InstanceBook book;
  private final Path stateDir;
  private final InstanceTypeCatalog catalog;
  private final LaunchTemplates templates;
  private final NodeImages images;
  private final Clock clock;
  private final AgentRunner runner;
  private final AgentConfigs agentConfigs;
  private final InstanceViews views;
  private final Terminations terminations;
  private final int maxInstances;

  Launches(
      InstanceBook book,
      Path stateDir,
      InstanceTypeCatalog catalog,
      LaunchTemplates templates,
      NodeImages images,
      Clock clock,
      AgentRunner runner,
      AgentConfigs agentConfigs,
      InstanceViews views,
      Terminations terminations,
      int maxInstances) {
    this.book = book;
    this.stateDir = stateDir;
    this.catalog = catalog;
    this.templates = templates;
    this.images = images;
    this.clock = clock;
    this.runner = runner;
    this.agentConfigs = agentConfigs;
    this.views = views;
    this.terminations = terminations;
    this.maxInstances = maxInstances;
  }

  /** See {@link LocalProvider#launch}. */
  Instance launch(LaunchRequest request) {
    ResolvedLaunch resolved = ResolvedLaunch.of(request, catalog, templates, images);
    InstanceType type = resolved.type();
    String templateId = resolved.templateId();
    LaunchTemplates.Version version = resolved.version();
    NodeImages.NodeImage image = resolved.image();
    Bootstrap b = resolved.bootstrap();
    InstanceRecord rec;
    synchronized (book) {
      if (book.isClosed()) {
        throw new IllegalStateException("the provider is closed");
      }
      book.purgeExpired();
      if (request.token() != null && book.hasToken(request.token())) {
        return views.of(book.byToken(request.token()));
      }
      Optional<String> injected = book.injectedFailure();
      if (injected.isPresent()) {
        throw new LaunchException(injected.get(), "injected launch failure (failNextLaunches)");
      }
      long running = book.liveCount();
      if (running >= maxInstances) {
        throw new LaunchException(
            "LIMIT_EXCEEDED", "the local provider runs at most " + maxInstances + " instances");
      }
      rec = InstanceRecord.launched(book.newId(), request, resolved, now());
      // Reserved: the id, the token and the limit count it from here on.
      book.reserve(rec);
    }
    String id = rec.instanceId();
    Path dir = stateDir.resolve(id);
    AgentRunner.Handle handle;
    try {
      Files.createDirectory(dir);
      // 0755: munged wants o+x on every directory above its socket
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      JsonFiles.write(dir.resolve(InstanceRecord.FILE), rec, "rw-------");
      handle = runner.run(agentConfigs.forLaunch(rec, b, version, image));
    } catch (IOException | RuntimeException e) {
      String why = e instanceof IOException ? "cannot create " + dir : "the agent did not start";
      synchronized (book) {
        if (Files.isDirectory(dir)) {
          book.save(
              rec.withState(
                  LocalProvider.TERMINATED, "LAUNCH_ERROR: " + why + ": " + e.getMessage(), now()));
        } else {
          book.put(rec.withState(LocalProvider.TERMINATED, "LAUNCH_ERROR: " + why, now()));
        }
      }
      throw new LaunchException("LAUNCH_ERROR", why + " for " + id + ": " + e.getMessage());
    }
    boolean terminatedMeanwhile;
    boolean closedMeanwhile;
    synchronized (book) {
      terminatedMeanwhile =
          book.isTerminating(id) || LocalProvider.TERMINATED.equals(book.get(id).state());
      closedMeanwhile = book.isClosed();
      if (!terminatedMeanwhile && !closedMeanwhile) {
        book.attach(id, handle);
      }
    }
    if (terminatedMeanwhile) {
      // terminated while its agent was being started: that termination found no agent to stop
      terminations.stopStarted(dir, handle);
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
    return views.of(rec);
  }

  private String now() {
    return clock.instant().toString();
  }
}
