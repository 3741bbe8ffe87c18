package org.openpcs;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openpcs.provider.local.NodeImages;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code openpcs node-images}: the local provider's node images — which Slurm installation an
 * instance runs. Node groups name them in {@code amiId}; the default is the host's Slurm.
 */
@Command(
    name = "node-images",
    mixinStandardHelpOptions = true,
    description = "Manage local node images (which Slurm installation instances use).",
    subcommands = {
      NodeImagesCommand.Register.class,
      NodeImagesCommand.ListImages.class,
      NodeImagesCommand.Delete.class
    })
public final class NodeImagesCommand {
  @Option(
      names = "--data-dir",
      scope = ScopeType.INHERIT,
      description = "The server's data dir (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  NodeImages images() {
    return new NodeImages(
        (dataDir != null ? dataDir : ServerConfig.defaultDataDir()).resolve("node-images"));
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "Register a Slurm installation as an image and print its id.")
  static final class Register implements Callable<Integer> {
    @ParentCommand NodeImagesCommand parent;

    @Option(names = "--id", description = "ami-... id to use (default: a new one).")
    String id;

    @Option(names = "--description")
    String description;

    @Option(names = "--slurm-sbin", required = true, description = "Directory with slurmd.")
    Path sbin;

    @Option(names = "--slurm-bin", required = true, description = "Directory with srun, sbatch...")
    Path bin;

    @Option(names = "--munge-sbin", description = "Directory with munged (default: the host's).")
    Path munge;

    @Override
    public Integer call() {
      System.out.println(parent.images().register(id, description, sbin, bin, munge).id());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List node images.")
  static final class ListImages implements Callable<Integer> {
    @ParentCommand NodeImagesCommand parent;

    @Override
    public Integer call() {
      System.out.printf("%-24s %-20s %s%n", "ID", "SLURMD", "DESCRIPTION");
      parent
          .images()
          .list()
          .forEach(
              i ->
                  System.out.printf(
                      "%-24s %-20s %s%n",
                      i.id(), i.slurmSbinDir(), i.description() == null ? "" : i.description()));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a node image.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand NodeImagesCommand parent;

    @Parameters(paramLabel = "IMAGE_ID")
    String id;

    @Override
    public Integer call() {
      boolean removed = parent.images().remove(id);
      System.out.println(removed ? "deleted " + id : "no node image " + id);
      return removed ? 0 : 1;
    }
  }
}
