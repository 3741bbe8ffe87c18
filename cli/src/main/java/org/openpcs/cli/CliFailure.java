package org.openpcs.cli;

/**
 * A failure the CLI reports itself, with the AWS CLI's exit code: 252 for a command line that
 * cannot be used (bad syntax, invalid parameters), 253 for missing configuration or credentials,
 * 255 for everything else.
 */
final class CliFailure extends RuntimeException {
  static final int USAGE = 252;
  static final int CONFIG = 253;
  static final int SERVICE = 254;
  static final int OTHER = 255;

  private final int exitCode;
  private final boolean showUsage;

  private CliFailure(int exitCode, String message, boolean showUsage) {
    super(message);
    this.exitCode = exitCode;
    this.showUsage = showUsage;
  }

  /** A command-line grammar problem: printed after the usage banner, as argparse does. */
  static CliFailure usage(String message) {
    return new CliFailure(USAGE, message, true);
  }

  /** A parameter whose value cannot be used ("Error parsing parameter ..."). */
  static CliFailure param(String message) {
    return new CliFailure(USAGE, message, false);
  }

  static CliFailure config(String message) {
    return new CliFailure(CONFIG, message, false);
  }

  int exitCode() {
    return exitCode;
  }

  boolean showUsage() {
    return showUsage;
  }
}
