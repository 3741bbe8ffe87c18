package org.openpcs.agent;

/** What an agent reports in its heartbeats. */
public enum AgentState {
  /** Registered; running the bootstrap script and starting the daemons. */
  BOOTSTRAPPING,
  /** slurmd is up (or, on a login node, the bootstrap script succeeded). */
  RUNNING,
  /**
   * Registration was refused, the bootstrap script failed or the daemons did not come up. Final.
   */
  BOOTSTRAP_FAILED,
  /** The agent stopped its daemons, because it was closed or the server said STOP. Final. */
  STOPPED;

  public boolean isFinal() {
    return this == BOOTSTRAP_FAILED || this == STOPPED;
  }
}
