package org.openpcs.server.cli;

import picocli.CommandLine;

/** Runs only {@code openpcs server}; used where the full CLI is not on the class path (tests). */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerCommand()).execute(args));
  }
}
