package org.openpcs.slurm;

/** The outcome of one finished (or timed-out) command. */
record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
  boolean ok() {
    return !timedOut && exitCode == 0;
  }

  /** A one-line summary for error messages (output trimmed to a readable size). */
  String describe() {
    if (timedOut) {
      return "timed out";
    }
    String out = (stdout.strip() + " " + stderr.strip()).strip();
    if (out.length() > 2000) {
      out = out.substring(0, 2000) + "...";
    }
    return "exit code " + exitCode + (out.isEmpty() ? "" : ": " + out);
  }
}
