package org.openpcs;

import org.openpcs.cli.OperationCommands;
import org.openpcs.server.cli.KeysCommand;
import org.openpcs.server.cli.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point: {@code openpcs <command>}. Operations mirror {@code aws pcs}; {@code
 * server} and {@code keys} run and administer the server; {@code logs} reads a cluster's logs.
 */
@Command(
    name = "openpcs",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "OpenPCS: a self-hosted AWS Parallel Computing Service.",
    subcommands = {
      QuickstartCommand.class,
      ServerCommand.class,
      KeysCommand.class,
      ShellCommand.class,
      LaunchTemplatesCommand.class,
      NodeImagesCommand.class,
      InstancesCommand.class,
      org.openpcs.cli.LogsCommand.class,
      org.openpcs.agent.AgentCommand.class,
      org.openpcs.bench.BenchCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    CommandLine root = new CommandLine(new Main());
    OperationCommands.addTo(root);
    System.exit(root.execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"openpcs " + (v == null ? "development build" : v)};
    }
  }
}
