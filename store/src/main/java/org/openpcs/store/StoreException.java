package org.openpcs.store;

/** A store-level failure the caller can act on (as opposed to an outage). */
public abstract class StoreException extends RuntimeException {
  protected StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
