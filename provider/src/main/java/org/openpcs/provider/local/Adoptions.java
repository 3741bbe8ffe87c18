package org.openpcs.provider.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openpcs.agent.AgentConfig;
import org.openpcs.agent.RecordedAgent;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart, resumes the agents of the instances that kept running (see {@link
 * LocalProvider#adoptAll}). Only choosing the candidates and keeping each resumed agent hold the
 * provider's lock, the book's monitor; reading agent state and starting agents are done outside it.
 */
final class Adoptions {
  private static final Logger log = LoggerFactory.getLogger(Adoptions.class);

  private final InstanceBook book;
  private final Path stateDir;
  private final AgentRunner runner;
  private final AgentConfigs agentConfigs;
  private final InstanceViews views;

  Adoptions(
      InstanceBook book,
      Path stateDir,
      AgentRunner runner,
      AgentConfigs agentConfigs,
      InstanceViews views) {
    this.book = book;
    this.stateDir = stateDir;
    this.runner = runner;
    this.agentConfigs = agentConfigs;
    this.views = views;
  }

  /** See {@link LocalProvider#adoptAll}. */
  List<Instance> adoptAll(Function<Instance, Bootstrap> bootstrapFor) {
    List<InstanceRecord> candidates;
    synchronized (book) {
      candidates = book.adoptable();
    }
    List<Instance> adopted = new ArrayList<>();
    for (InstanceRecord r : candidates) {
      Instance inst = views.of(r);
      Bootstrap given = bootstrapFor.apply(inst);
      if (given == null) {
        log.info("not adopting {}: no credentials for it", r.instanceId());
        continue;
      }
      Path dir = stateDir.resolve(r.instanceId());
      AgentConfig config = agentConfigs.forAdoption(r, given);
      try {
        boolean registered = RecordedAgent.read(dir).map(x -> x.state() != null).orElse(false);
        AgentRunner.Handle h = registered ? runner.adopt(config) : runner.run(config);
        synchronized (book) {
          if (book.isClosed() || book.isTerminating(r.instanceId())) {
            h.detach();
            continue;
          }
          book.attach(r.instanceId(), h);
        }
        adopted.add(inst);
        log.info("adopted {} ({})", r.instanceId(), registered ? "resumed" : "started afresh");
      } catch (RuntimeException e) {
        log.warn("cannot adopt {}: {}", r.instanceId(), e.toString());
      }
    }
    return adopted;
  }
}
