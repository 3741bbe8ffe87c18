package org.openpcs.api.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The closed error taxonomy of the PCS protocol: one subclass per error shape of the model plus the
 * AWS-wide authentication errors. Every failure that reaches a client is one of these; the server
 * translates them to the wire in exactly one place.
 */
public abstract sealed class PcsException extends RuntimeException
    permits ValidationException,
        AccessDeniedException,
        ResourceException,
        ServiceQuotaExceededException,
        ThrottlingException,
        InternalServerException,
        AuthenticationException {

  protected PcsException(String message) {
    super(message, null, false, false);
  }

  /** The {@code __type} on the wire. */
  public abstract String errorType();

  /** HTTP status, as the model's {@code @httpError} trait gives it. */
  public abstract int httpStatus();

  /**
   * Members beyond {@code message}, in wire order; values are strings, numbers or lists of maps.
   */
  public Map<String, Object> extraMembers() {
    return new LinkedHashMap<>();
  }
}
