package org.openpcs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpcs.provider.local.LaunchTemplates;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code openpcs launch-templates}: the local provider's launch templates — a bootstrap script and
 * environment per version, which instances run before slurmd starts. A running server sees changes
 * at once. Node groups name them in {@code customLaunchTemplate}.
 */
@Command(
    name = "launch-templates",
    mixinStandardHelpOptions = true,
    description = "Manage local launch templates (bootstrap script + environment).",
    subcommands = {
      LaunchTemplatesCommand.Create.class,
      LaunchTemplatesCommand.AddVersion.class,
      LaunchTemplatesCommand.ListTemplates.class,
      LaunchTemplatesCommand.Delete.class
    })
public final class LaunchTemplatesCommand {
  @Option(
      names = "--data-dir",
      scope = ScopeType.INHERIT,
      description = "The server's data dir (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  LaunchTemplates templates() {
    return new LaunchTemplates(
        (dataDir != null ? dataDir : ServerConfig.defaultDataDir()).resolve("launch-templates"));
  }

  static String script(Path file) throws java.io.IOException {
    return file == null ? "" : Files.readString(file);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Register a template (version 1) and print its id.")
  static final class Create implements Callable<Integer> {
    @ParentCommand LaunchTemplatesCommand parent;

    @Option(names = "--name", description = "A name for people.")
    String name;

    @Option(
        names = "--script-file",
        description = "Bootstrap script run with bash before slurmd starts.")
    Path scriptFile;

    @Option(names = "--env", description = "KEY=VALUE for the script's environment (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      var t = parent.templates().create(name, script(scriptFile), env);
      System.out.println(t.id() + " version " + t.defaultVersion());
      return 0;
    }
  }

  @Command(
      name = "add-version",
      mixinStandardHelpOptions = true,
      description = "Add the next version to a template.")
  static final class AddVersion implements Callable<Integer> {
    @ParentCommand LaunchTemplatesCommand parent;

    @Parameters(paramLabel = "TEMPLATE_ID")
    String id;

    @Option(names = "--script-file")
    Path scriptFile;

    @Option(names = "--env")
    Map<String, String> env = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      System.out.println(
          id + " version " + parent.templates().addVersion(id, script(scriptFile), env).version());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List templates and their versions.")
  static final class ListTemplates implements Callable<Integer> {
    @ParentCommand LaunchTemplatesCommand parent;

    @Override
    public Integer call() {
      System.out.printf("%-22s %-24s %s%n", "ID", "NAME", "VERSIONS");
      parent
          .templates()
          .list()
          .forEach(
              t ->
                  System.out.printf(
                      "%-22s %-24s %s%n",
                      t.id(),
                      t.name() == null ? "" : t.name(),
                      String.join(",", t.versionNumbers())));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a template.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand LaunchTemplatesCommand parent;

    @Parameters(paramLabel = "TEMPLATE_ID")
    String id;

    @Override
    public Integer call() {
      boolean removed = parent.templates().remove(id);
      System.out.println(removed ? "deleted " + id : "no launch template " + id);
      return removed ? 0 : 1;
    }
  }
}
