package org.openpcs.slurm;

/**
 * A Slurm or munge daemon or command failed. The message says what was attempted and includes the
 * relevant output or log lines, so it can go straight into a resource's errorInfo.
 */
public class SlurmException extends RuntimeException {
  public SlurmException(String message) {
    super(message);
  }

  public SlurmException(String message, Throwable cause) {
    super(message, cause);
  }
}
