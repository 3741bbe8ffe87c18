package org.openpcs.provider.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.openpcs.agent.AgentConfig;
import org.openpcs.provider.Bootstrap;

/**
 * The configuration an instance's agent runs with: at launch, from the resolved request; after a
 * restart, from the instance's record and the credentials the server gives now. Stateless, no lock:
 * the provider builds configurations outside its monitor.
 */
final class AgentConfigs {
  private final Path stateDir;
  private final LocalProvider.Options options;
  private final LaunchTemplates templates;
  private final NodeImages images;

  AgentConfigs(
      Path stateDir, LocalProvider.Options options, LaunchTemplates templates, NodeImages images) {
    this.stateDir = stateDir;
    this.options = options;
    this.templates = templates;
    this.images = images;
  }

  /** For a new instance's agent. */
  AgentConfig forLaunch(
      InstanceRecord r, Bootstrap b, LaunchTemplates.Version version, NodeImages.NodeImage image) {
    return agentConfig(r, b, version.script(), version.environment(), image);
  }

  /**
   * For the agent of an instance adopted after a restart: the endpoint and node credentials {@code
   * given} now (they are not persisted, and the endpoint may have changed); {@code bootstrapId} and
   * {@code login} are taken from the record unless the server supplies a bootstrap id. The launch
   * template version is the recorded one (no script if it is gone), the node image too (the default
   * image if it is gone).
   */
  AgentConfig forAdoption(InstanceRecord r, Bootstrap given) {
    Bootstrap b =
        new Bootstrap(
            given.endpoint(),
            given.region(),
            given.accessKeyId(),
            given.secretAccessKey(),
            r.bootstrap().clusterId(),
            given.bootstrapId() == null ? r.bootstrap().bootstrapId() : given.bootstrapId(),
            r.bootstrap().login());
    Optional<LaunchTemplates.Version> version =
        templates.resolve(r.launchTemplateId(), r.launchTemplateVersion());
    NodeImages.NodeImage image = images.find(r.imageId()).orElse(images.find(null).orElseThrow());
    return agentConfig(
        r,
        b,
        version.map(LaunchTemplates.Version::script).orElse(null),
        version.map(LaunchTemplates.Version::environment).orElse(Map.of()),
        image);
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
}
