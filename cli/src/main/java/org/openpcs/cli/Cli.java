package org.openpcs.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A root {@code openpcs} command holding only the operation commands: what the application's main
 * builds on, and the way tests run the CLI in-process.
 */
public final class Cli {
  private Cli() {}

  /** Runs {@code openpcs <args>} against the real environment; returns the exit code. */
  public static int run(String... args) {
    return run(
        CliEnvironment.system(),
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        args);
  }

  /** Runs with the given environment and output writers (flushed before returning). */
  public static int run(CliEnvironment env, PrintWriter out, PrintWriter err, String... args) {
    CommandLine root = root(env);
    root.setOut(out);
    root.setErr(err);
    try {
      return root.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The root command with all operation commands added. */
  public static CommandLine root(CliEnvironment env) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(new Root());
    spec.name("openpcs");
    spec.usageMessage()
        .description("OpenPCS: the AWS Parallel Computing Service API, self-hosted.");
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    CommandLine root = new CommandLine(spec);
    // "@file" arguments are picocli's, not the AWS CLI's; a value may legitimately start with @.
    root.setExpandAtFiles(false);
    OperationCommands.addTo(root, env);
    ((Root) spec.userObject()).spec = spec;
    return root;
  }

  /** {@code openpcs} with no command: argparse's "command is required", exit 252. */
  private static final class Root implements Callable<Integer> {
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      err.print(Failures.usage(spec.name(), "the following arguments are required: command"));
      err.flush();
      return CliFailure.USAGE;
    }
  }
}
