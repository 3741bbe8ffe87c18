package org.openpcs.api.error;

/** The request conflicts with the resource's state, its name, or an earlier client token. */
public final class ConflictException extends ResourceException {
  public ConflictException(String message, String resourceId, String resourceType) {
    super(message, resourceId, resourceType);
  }

  @Override
  public String errorType() {
    return "ConflictException";
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
