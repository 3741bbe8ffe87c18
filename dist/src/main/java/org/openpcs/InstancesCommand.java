package org.openpcs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.openpcs.provider.local.LocalProvider;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code openpcs instances}: administration of the local provider's instances. */
@Command(
    name = "instances",
    mixinStandardHelpOptions = true,
    description = "Administer local instances.",
    subcommands = {InstancesCommand.Interrupt.class})
public final class InstancesCommand {
  @Option(
      names = "--data-dir",
      scope = ScopeType.INHERIT,
      description = "The server's data dir (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  /** Delivers a spot interruption notice, as EC2 does before it reclaims spot capacity. */
  @Command(
      name = "interrupt",
      mixinStandardHelpOptions = true,
      description = "Deliver a spot interruption notice to an instance.")
  static final class Interrupt implements Callable<Integer> {
    @ParentCommand InstancesCommand parent;

    @Parameters(paramLabel = "INSTANCE_ID")
    String instanceId;

    @Option(
        names = "--notice-seconds",
        defaultValue = "120",
        description = "Time until the instance is reclaimed (default ${DEFAULT-VALUE}).")
    long noticeSeconds;

    @Override
    public Integer call() {
      Path dir =
          (parent.dataDir != null ? parent.dataDir : ServerConfig.defaultDataDir())
              .resolve("instances");
      Instant deadline = Instant.now().plusSeconds(noticeSeconds);
      LocalProvider.deliverInterruption(dir, instanceId, deadline);
      System.out.println(
          instanceId + ": spot interruption notice delivered; reclaimed at " + deadline);
      return 0;
    }
  }
}
