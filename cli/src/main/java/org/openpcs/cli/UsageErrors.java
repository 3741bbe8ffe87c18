package org.openpcs.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Command-line errors in operation commands, reported as the AWS CLI reports them (argparse's
 * wording, exit code 252). Errors in any other command go to the handler the root had before, so
 * the application's own commands keep their behaviour.
 */
final class UsageErrors implements IParameterExceptionHandler {
  private final IParameterExceptionHandler previous;

  private UsageErrors(IParameterExceptionHandler previous) {
    this.previous = previous;
  }

  static void install(CommandLine root) {
    IParameterExceptionHandler current = root.getParameterExceptionHandler();
    if (!(current instanceof UsageErrors)) {
      root.setParameterExceptionHandler(new UsageErrors(current));
    }
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) throws Exception {
    CommandLine cl = ex.getCommandLine();
    if (!(cl.getCommandSpec().userObject() instanceof OperationCommand)) {
      return previous.handleParseException(ex, args);
    }
    PrintWriter err = cl.getErr();
    err.print(Failures.usage(cl.getCommandSpec().root().name(), message(ex)));
    err.flush();
    return CliFailure.USAGE;
  }

  private static String message(ParameterException ex) {
    if (ex instanceof UnmatchedArgumentException u) {
      List<String> unmatched = u.getUnmatched();
      return "Unknown options: " + String.join(", ", unmatched);
    }
    if (ex instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      var arg = m.getMissing().get(0);
      if (arg instanceof CommandLine.Model.OptionSpec o) {
        return "argument " + o.longestName() + ": expected one argument";
      }
    }
    return ex.getMessage();
  }
}
