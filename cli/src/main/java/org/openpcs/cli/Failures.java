package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import org.openpcs.api.client.PcsClientException;

/** The AWS CLI's wording for failures that reach the user. */
final class Failures {
  private Failures() {}

  /**
   * {@code An error occurred (ValidationException) when calling the CreateCluster operation: ...}
   * and then, our addition, each {@code fieldList} entry so that every field problem is visible.
   */
  static String serviceError(PcsClientException e, String operation) {
    String message =
        e.getMessage() == null || e.getMessage().isEmpty() ? "Unknown" : e.getMessage();
    StringBuilder sb =
        new StringBuilder("\nAn error occurred (")
            .append(e.errorType())
            .append(") when calling the ")
            .append(operation)
            .append(" operation: ")
            .append(message)
            .append('\n');
    JsonNode body = e.body();
    if (body != null) {
      for (JsonNode field : body.path("fieldList")) {
        sb.append("  ")
            .append(field.path("name").asText())
            .append(": ")
            .append(field.path("message").asText())
            .append('\n');
      }
    }
    return sb.toString();
  }

  /** The message for a request that never reached the server, if that is what {@code t} is. */
  static Optional<String> connectionFailure(Throwable t, URI endpoint) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException
          || c instanceof HttpConnectTimeoutException
          || c instanceof UnknownHostException
          || c instanceof UnresolvedAddressException) {
        return Optional.of(
            "\nCould not connect to the endpoint URL: \"" + requestUrl(endpoint) + "\"\n");
      }
    }
    return Optional.empty();
  }

  // The URL of the POST itself, which is what the AWS CLI shows: the endpoint with path "/".
  private static String requestUrl(URI endpoint) {
    String path = endpoint.getRawPath();
    return path == null || path.isEmpty() ? endpoint.resolve("/").toString() : endpoint.toString();
  }

  /** The argparse-style banner the AWS CLI prints before a usage error. */
  static String usage(String root, String message) {
    return "\nusage: "
        + root
        + " [options] <command> [parameters]\n"
        + "To see help text, you can run:\n\n"
        + "  "
        + root
        + " --help\n"
        + "  "
        + root
        + " <command> --help\n\n"
        + root
        + ": error: "
        + message
        + "\n";
  }
}
