package org.openpcs.cli;

import java.util.Comparator;
import java.util.List;
import org.openpcs.api.ServiceModel;
import picocli.CommandLine;

/**
 * The {@code aws pcs} operation commands, one per operation of the bundled model, for the
 * application's root command. Nothing here is written per operation: names, options, help and value
 * parsing all come from the model, so a model update brings its new members along.
 */
public final class OperationCommands {
  private OperationCommands() {}

  /**
   * Adds every operation command to {@code root}, reading credentials and settings from the real
   * environment. Also wraps the root's parameter-exception handler so that command-line errors in
   * these commands exit 252 with the AWS CLI's wording; call this after setting your own handler.
   */
  public static void addTo(CommandLine root) {
    addTo(root, CliEnvironment.system());
  }

  /** As {@link #addTo(CommandLine)}, with the environment given (for tests and embedding). */
  public static void addTo(CommandLine root, CliEnvironment env) {
    ServiceModel model = ServiceModel.load();
    List<ServiceModel.Operation> ops =
        model.operationNames().stream()
            .map(n -> model.operation(n).orElseThrow())
            .sorted(Comparator.comparing(op -> Names.kebab(op.name())))
            .toList();
    for (ServiceModel.Operation op : ops) {
      CommandLine sub = OperationCommand.create(model, op, env);
      // Subcommands added after root.setOut(..) would otherwise write to System.out.
      sub.setOut(root.getOut());
      sub.setErr(root.getErr());
      root.addSubcommand(sub.getCommandName(), sub);
    }
    // OpenPCS's own reading command, with the same endpoint and credential resolution.
    CommandLine events = EventsCommand.create(env);
    events.setOut(root.getOut());
    events.setErr(root.getErr());
    root.addSubcommand("events", events);
    UsageErrors.install(root);
  }
}
