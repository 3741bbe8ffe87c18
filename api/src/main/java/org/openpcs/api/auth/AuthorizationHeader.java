package org.openpcs.api.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openpcs.api.error.AuthenticationException;
import org.openpcs.api.error.AuthenticationException.Kind;

/**
 * A parsed {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}
 * header. Only its syntax is checked here; what it claims is checked by {@link SigV4Verifier}.
 */
record AuthorizationHeader(
    String accessKeyId,
    String date,
    String region,
    String service,
    String terminator,
    List<String> signedHeaders,
    String signature) {

  static AuthorizationHeader parse(String header) {
    String value = header.strip();
    int space = value.indexOf(' ');
    String algorithm = space < 0 ? value : value.substring(0, space);
    if (!algorithm.equals(SigV4.ALGORITHM)) {
      throw incomplete(
          "Unsupported signing algorithm in the Authorization header; expected "
              + SigV4.ALGORITHM
              + ".");
    }
    Map<String, String> params = new HashMap<>();
    String rest = space < 0 ? "" : value.substring(space + 1);
    for (String part : rest.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw incomplete("Invalid key=value pair (missing equal-sign) in Authorization header.");
      }
      params.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }

    StringBuilder missing = new StringBuilder();
    for (String required : List.of("Credential", "Signature", "SignedHeaders")) {
      String v = params.get(required);
      if (v == null || v.isEmpty()) {
        missing.append("Authorization header requires '").append(required).append("' parameter. ");
      }
    }
    if (!missing.isEmpty()) {
      throw incomplete(missing.toString().strip());
    }

    String[] scope = params.get("Credential").split("/", -1);
    if (scope.length != 5 || List.of(scope).stream().anyMatch(String::isEmpty)) {
      throw incomplete(
          "Credential must have the form <access key id>/<yyyyMMdd>/<region>/<service>/"
              + SigV4.TERMINATOR
              + ".");
    }
    if (!scope[1].matches("\\d{8}")) {
      throw incomplete("The date in the Credential scope must be yyyyMMdd.");
    }

    List<String> signed = new ArrayList<>();
    for (String name : params.get("SignedHeaders").split(";", -1)) {
      if (name.isBlank()) {
        throw incomplete("SignedHeaders contains an empty header name.");
      }
      signed.add(name.strip());
    }
    return new AuthorizationHeader(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        scope[4],
        List.copyOf(signed),
        params.get("Signature"));
  }

  private static AuthenticationException incomplete(String message) {
    return new AuthenticationException(Kind.INCOMPLETE_SIGNATURE, message);
  }
}
