package org.openpcs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process with a controlled environment and captures what it prints. */
final class CliRunner {
  record Result(int exitCode, String out, String err) {}

  private CliRunner() {}

  /**
   * An environment with test credentials, the stub as endpoint and one attempt per call (so that
   * failure tests do not wait for retries), plus {@code extra} (a null value removes a variable).
   * {@code home} is a temporary directory, so the developer's ~/.aws is never read.
   */
  static CliEnvironment env(Path home, String endpoint, String... extra) {
    Map<String, String> vars = new HashMap<>();
    vars.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    vars.put("AWS_SECRET_ACCESS_KEY", "test-secret");
    vars.put("AWS_MAX_ATTEMPTS", "1");
    if (endpoint != null) {
      vars.put("AWS_ENDPOINT_URL_PCS", endpoint);
    }
    for (int i = 0; i < extra.length; i += 2) {
      if (extra[i + 1] == null) {
        vars.remove(extra[i]);
      } else {
        vars.put(extra[i], extra[i + 1]);
      }
    }
    return new CliEnvironment(vars, home);
  }

  static Result run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(env, new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }
}
