package org.openpcs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openpcs.api.PcsJson;

/**
 * The JSON form of an {@link AgentConfig}, as {@code openpcs agent --config <file>} reads it:
 *
 * <pre>{@code
 * {"endpoint": "http://10.0.0.5:8080", "region": "us-east-1",
 *  "accessKeyId": "...", "secretAccessKey": "...",
 *  "clusterId": "pcs_abcdefghij", "bootstrapId": "...", "instanceId": "i-...",
 *  "instanceDir": "/var/lib/openpcs/node",
 *  "bootstrapScript": "echo hi",            // or "bootstrapScriptFile": "/path"
 *  "environment": {"FOO": "bar"}, "login": false,
 *  "heartbeatInterval": "PT30S",            // ISO-8601 or a number of seconds
 *  "slurmSbinDir": "/usr/sbin", "mungeSbinDir": "/usr/sbin",
 *  "registrationTimeout": 300, "bootstrapTimeout": 1800, "startTimeout": 120}
 * }</pre>
 *
 * Relative paths are resolved against the config file's directory.
 */
public final class AgentConfigJson {
  private AgentConfigJson() {}

  public static AgentConfig read(Path file) throws IOException {
    JsonNode n = PcsJson.mapper().readTree(Files.readAllBytes(file));
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(file + ": not a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    String script = text(n, "bootstrapScript");
    String scriptFile = text(n, "bootstrapScriptFile");
    if (script == null && scriptFile != null) {
      script = Files.readString(base.resolve(scriptFile));
    }
    Map<String, String> env = new LinkedHashMap<>();
    n.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return new AgentConfig(
        URI.create(required(n, "endpoint")),
        required(n, "region"),
        required(n, "accessKeyId"),
        required(n, "secretAccessKey"),
        required(n, "clusterId"),
        required(n, "bootstrapId"),
        required(n, "instanceId"),
        base.resolve(required(n, "instanceDir")),
        script,
        env,
        n.path("login").asBoolean(false),
        duration(n, "heartbeatInterval"),
        path(base, n, "slurmSbinDir"),
        path(base, n, "mungeSbinDir"),
        duration(n, "registrationTimeout"),
        duration(n, "bootstrapTimeout"),
        duration(n, "startTimeout"));
  }

  /** The JSON form; the secret access key only if asked for. */
  public static ObjectNode write(AgentConfig c, boolean withSecret) {
    ObjectNode n = PcsJson.mapper().createObjectNode();
    n.put("endpoint", String.valueOf(c.endpoint()));
    n.put("region", c.region());
    n.put("accessKeyId", c.accessKeyId());
    if (withSecret) {
      n.put("secretAccessKey", c.secretAccessKey());
    }
    n.put("clusterId", c.clusterId());
    n.put("bootstrapId", c.bootstrapId());
    n.put("instanceId", c.instanceId());
    n.put("instanceDir", c.instanceDir().toString());
    if (c.bootstrapScript() != null) {
      n.put("bootstrapScript", c.bootstrapScript());
    }
    ObjectNode env = n.putObject("environment");
    c.environment().forEach(env::put);
    n.put("login", c.login());
    n.put("heartbeatInterval", c.heartbeatInterval().toString());
    n.put("slurmSbinDir", c.slurmSbinDir().toString());
    n.put("mungeSbinDir", c.mungeSbinDir().toString());
    n.put("registrationTimeout", c.registrationTimeout().toString());
    n.put("bootstrapTimeout", c.bootstrapTimeout().toString());
    n.put("startTimeout", c.startTimeout().toString());
    return n;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String required(JsonNode n, String field) {
    String v = text(n, field);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the agent config needs \"" + field + "\"");
    }
    return v;
  }

  private static Path path(Path base, JsonNode n, String field) {
    String v = text(n, field);
    return v == null ? null : base.resolve(v);
  }

  private static Duration duration(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return Duration.ofMillis(Math.round(v.asDouble() * 1000));
    }
    try {
      return Duration.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "\"" + field + "\" must be an ISO-8601 duration or a number of seconds");
    }
  }
}
