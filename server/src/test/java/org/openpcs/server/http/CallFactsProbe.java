package org.openpcs.server.http;

import com.fasterxml.jackson.databind.JsonNode;

/** Test access to {@link CallFacts#of}, which only the dispatcher calls. */
public final class CallFactsProbe {
  private CallFactsProbe() {}

  /** {cluster, resource}. */
  public static String[] of(String operation, JsonNode request, int status, String response) {
    CallFacts f = CallFacts.of(operation, request, status, response);
    return new String[] {f.cluster(), f.resource()};
  }
}
