package org.openpcs.api.error;

import java.util.Map;

/** Too many requests; the client should wait {@code retryAfterSeconds}. */
public final class ThrottlingException extends PcsException {
  private final Integer retryAfterSeconds;

  public ThrottlingException(String message, Integer retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public String errorType() {
    return "ThrottlingException";
  }

  @Override
  public int httpStatus() {
    return 429;
  }

  @Override
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    if (retryAfterSeconds != null) {
      m.put("retryAfterSeconds", retryAfterSeconds);
    }
    return m;
  }
}
