package org.openpcs.api.error;

/** The caller may not do this (also: a bootstrap id or cluster that does not match). */
public final class AccessDeniedException extends PcsException {
  public AccessDeniedException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "AccessDeniedException";
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
