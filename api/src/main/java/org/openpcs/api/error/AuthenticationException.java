package org.openpcs.api.error;

/**
 * AWS-wide authentication failures that are not in the PCS model ({@code
 * MissingAuthenticationTokenException}, {@code UnrecognizedClientException}, {@code
 * InvalidSignatureException}, {@code IncompleteSignatureException}). SDKs surface their {@code
 * __type} as the error code; a "Signature expired" {@code InvalidSignatureException} also makes
 * them correct their clock skew and retry.
 */
public final class AuthenticationException extends PcsException {
  /** The AWS error codes used for authentication failures. */
  public enum Kind {
    MISSING_TOKEN("MissingAuthenticationTokenException", 403),
    INCOMPLETE_SIGNATURE("IncompleteSignatureException", 400),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 403),
    INVALID_SIGNATURE("InvalidSignatureException", 403);

    final String type;
    final int status;

    Kind(String type, int status) {
      this.type = type;
      this.status = status;
    }
  }

  private final Kind kind;

  public AuthenticationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String errorType() {
    return kind.type;
  }

  @Override
  public int httpStatus() {
    return kind.status;
  }
}
