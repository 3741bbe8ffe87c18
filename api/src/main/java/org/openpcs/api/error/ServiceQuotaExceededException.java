package org.openpcs.api.error;

import java.util.Map;

/** A quota would be exceeded; {@code quotaCode} says which. */
public final class ServiceQuotaExceededException extends PcsException {
  public static final String SERVICE_CODE = "pcs";
  private final String resourceId;
  private final String resourceType;
  private final String quotaCode;

  public ServiceQuotaExceededException(
      String message, String resourceId, String resourceType, String quotaCode) {
    super(message);
    this.resourceId = resourceId;
    this.resourceType = resourceType;
    this.quotaCode = quotaCode;
  }

  public String quotaCode() {
    return quotaCode;
  }

  @Override
  public String errorType() {
    return "ServiceQuotaExceededException";
  }

  @Override
  public int httpStatus() {
    return 402;
  }

  @Override
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    m.put("serviceCode", SERVICE_CODE);
    if (resourceId != null) {
      m.put("resourceId", resourceId);
    }
    if (resourceType != null) {
      m.put("resourceType", resourceType);
    }
    if (quotaCode != null) {
      m.put("quotaCode", quotaCode);
    }
    return m;
  }
}
