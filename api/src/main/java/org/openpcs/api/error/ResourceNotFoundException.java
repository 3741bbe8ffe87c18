package org.openpcs.api.error;

/** The named resource does not exist on this server. */
public final class ResourceNotFoundException extends ResourceException {
  public ResourceNotFoundException(String message, String resourceId, String resourceType) {
    super(message, resourceId, resourceType);
  }

  @Override
  public String errorType() {
    return "ResourceNotFoundException";
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
