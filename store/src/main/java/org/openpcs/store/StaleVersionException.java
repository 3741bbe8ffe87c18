package org.openpcs.store;

/** A compare-and-set write lost against a concurrent writer; re-read and retry. */
public final class StaleVersionException extends StoreException {
  public StaleVersionException(String message) {
    super(message, null);
  }
}
