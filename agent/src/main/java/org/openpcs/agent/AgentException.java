package org.openpcs.agent;

/** The agent could not bring its node up (the message says why; it never contains a secret). */
public final class AgentException extends RuntimeException {
  public AgentException(String message) {
    super(message);
  }

  public AgentException(String message, Throwable cause) {
    super(message, cause);
  }
}
