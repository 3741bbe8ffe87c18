package org.openpcs.api.error;

import java.util.Map;

/**
 * Model error {@code ResourceNotFoundException}: carries the id and type of the resource concerned.
 */
public final class ResourceNotFoundException extends PcsException {
  private final String resourceId;
  private final String resourceType;

  public ResourceNotFoundException(String message, String resourceId, String resourceType) {
    super(message);
    this.resourceId = resourceId;
    this.resourceType = resourceType;
  }

  public String resourceId() {
    return resourceId;
  }

  public String resourceType() {
    return resourceType;
  }

  @Override
  public String errorType() {
    return "ResourceNotFoundException";
  }

  @Override
  public int httpStatus() {
    return 404;
  }

  @Override
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    m.put("resourceId", resourceId);
    m.put("resourceType", resourceType);
    return m;
  }
}
