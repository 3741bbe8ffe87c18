package org.openpcs.api.error;

/** Something failed on our side; the message never carries internals, only the request id. */
public final class InternalServerException extends PcsException {
  public InternalServerException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InternalServerException";
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
