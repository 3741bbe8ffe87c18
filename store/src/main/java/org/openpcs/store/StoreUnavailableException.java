package org.openpcs.store;

/**
 * The database could not be reached or refused an operation for reasons the caller cannot fix by
 * retrying with other data (connection loss, lock timeout, deadlock, schema trouble). Deliberately
 * not a {@link StoreException}: those are conflicts the API maps to client errors, while this one
 * is an outage (an internal error, worth a retry later).
 */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
