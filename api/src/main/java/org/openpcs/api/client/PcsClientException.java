package org.openpcs.api.client;

import com.fasterxml.jackson.databind.JsonNode;

/** An error response from a PCS endpoint, as {@link PcsHttpClient} received it. */
public final class PcsClientException extends RuntimeException {
  private final String errorType;
  private final int httpStatus;
  private final transient JsonNode body;
  private final String requestId;

  /**
   * @param errorType the bare error name, e.g. {@code ConflictException}
   * @param body the parsed response body; a missing node if it was not JSON
   * @param requestId the {@code x-amzn-RequestId} response header, or {@code null}
   */
  public PcsClientException(
      String errorType, String message, int httpStatus, JsonNode body, String requestId) {
    super(message);
    this.errorType = errorType;
    this.httpStatus = httpStatus;
    this.body = body;
    this.requestId = requestId;
  }

  public String errorType() {
    return errorType;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public JsonNode body() {
    return body;
  }

  public String requestId() {
    return requestId;
  }

  @Override
  public String toString() {
    return errorType
        + " (HTTP "
        + httpStatus
        + (requestId == null ? "" : ", request id " + requestId)
        + "): "
        + getMessage();
  }
}
