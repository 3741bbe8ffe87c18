package org.openpcs.api.error;

import java.util.Map;

/** Errors about one resource: they carry its id and type, as the model requires. */
public abstract sealed class ResourceException extends PcsException
    permits ConflictException, ResourceNotFoundException {
  private final String resourceId;
  private final String resourceType;

  protected ResourceException(String message, String resourceId, String resourceType) {
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
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    m.put("resourceId", resourceId);
    m.put("resourceType", resourceType);
    return m;
  }
}
