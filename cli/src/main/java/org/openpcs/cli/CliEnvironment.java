package org.openpcs.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI reads from its process: environment variables and the home directory. It is passed
 * in rather than read globally so that tests can point the CLI at a temporary {@code OPENPCS_HOME}
 * and never pick up the developer's real credentials.
 */
public record CliEnvironment(Map<String, String> variables, Path home) {
  public CliEnvironment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(home, "home");
  }

  /** The real process environment and {@code user.home}. */
  public static CliEnvironment system() {
    return new CliEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** A variable, treating an empty value as unset (as the AWS CLI does). */
  public Optional<String> get(String name) {
    String v = variables.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /**
   * The width table output must fit: {@code $COLUMNS}, else 80, which is what awscli assumes when
   * it cannot ask the terminal (and Java cannot ask it).
   */
  public int terminalWidth() {
    try {
      return get("COLUMNS").map(String::strip).map(Integer::parseInt).filter(w -> w > 0).orElse(80);
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** {@code $OPENPCS_HOME}, else {@code ~/.openpcs}: where the server writes the CLI profile. */
  public Path openpcsHome() {
    return get("OPENPCS_HOME").map(Path::of).orElse(home.resolve(".openpcs"));
  }
}
