package org.openpcs.api.error;

import java.util.Map;

/** Model error {@code ConflictException}: carries the id and type of the resource concerned. */
public final class ConflictException extends PcsException {
  private final String resourceId;
  private final String resourceType;

  public ConflictException(String message, String resourceId, String resourceType) {
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
    return "ConflictException";
  }

  @Override
  public int httpStatus() {
    return 409;
  }

  @Override
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    m.put("resourceId", resourceId);
    m.put("resourceType", resourceType);
    return m;
  }
}
