package org.openpcs.store;

/** A unique key (resource name in its scope, client token, access key id) is already taken. */
public final class DuplicateNameException extends StoreException {
  public DuplicateNameException(String message, Throwable cause) {
    super(message, cause);
  }
}
