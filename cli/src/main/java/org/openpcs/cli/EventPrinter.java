package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;

/**
 * Prints events as a table (TIME, RESOURCE, SEVERITY, REASON, MESSAGE; fixed widths so that rows
 * printed later by {@code --follow} line up) or as JSON: one document {@code {"events": [...]}}, or
 * one event per line when following.
 */
final class EventPrinter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW = "%-27s  %-36s  %-8s  %-22s  %s%n";

  private final PrintWriter out;
  private final boolean json;
  private final boolean lines;
  private final ArrayNode collected = JSON.createArrayNode();
  private boolean header;

  EventPrinter(PrintWriter out, boolean json, boolean follow) {
    this.out = out;
    this.json = json;
    this.lines = follow;
  }

  /** Prints (or collects) the events; returns how many. */
  int print(JsonNode events) {
    int n = 0;
    for (JsonNode e : events) {
      n++;
      if (json && lines) {
        out.println(e.toString());
      } else if (json) {
        collected.add(e);
      } else {
        if (!header) {
          out.printf(ROW, "TIME", "RESOURCE", "SEVERITY", "REASON", "MESSAGE");
          header = true;
        }
        out.printf(
            ROW,
            e.path("time").asText(),
            resource(e),
            e.path("severity").asText(),
            e.path("reason").asText(),
            e.path("message").asText());
      }
    }
    return n;
  }

  /** Ends a one-shot listing. */
  void finish() {
    if (json && !lines) {
      var doc = JSON.createObjectNode();
      doc.set("events", collected);
      out.print(OutputFormatter.json(doc));
      out.print("\n");
    } else if (!json && !header) {
      out.println("No events.");
    }
  }

  private static String resource(JsonNode e) {
    String name = e.path("resourceName").asText(e.path("resourceId").asText());
    return e.path("resourceType").asText() + "/" + name;
  }
}
