package org.openpcs;

/** Placeholder until the command line is wired. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {}
}
