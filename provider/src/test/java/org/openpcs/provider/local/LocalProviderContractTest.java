package org.openpcs.provider.local;

import java.nio.file.Path;
import java.time.Clock;
import org.openpcs.provider.BundledCatalog;
import org.openpcs.provider.ComputeProvider;
import org.openpcs.provider.ComputeProviderContract;

/** The provider contract against LocalProvider, with agents that do nothing. */
class LocalProviderContractTest extends ComputeProviderContract {
  @Override
  protected ComputeProvider open(Path dir) {
    return new LocalProvider(
        dir.resolve("instances"),
        new BundledCatalog(),
        new LaunchTemplates(dir.resolve("launch-templates")),
        new NodeImages(dir.resolve("node-images")),
        Clock.systemUTC(),
        AgentRunner.none());
  }

  @Override
  protected String instanceType() {
    return "c5.large";
  }
}
