package org.openpcs.domain;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What values one allowed Slurm parameter takes. Rules only narrow: every value must also pass the
 * injection check in {@link CustomSettingsPolicy}.
 */
public sealed interface SettingRule {

  /** Returns a problem description, or empty when the value is acceptable. */
  Optional<String> check(String value);

  /** A whole number in [min, max]. */
  record IntRange(long min, long max) implements SettingRule {
    @Override
    public Optional<String> check(String value) {
      try {
        long v = Long.parseLong(value);
        return v < min || v > max
            ? Optional.of("must be a whole number from " + min + " to " + max)
            : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.of("must be a whole number");
      }
    }
  }

  /** One of a fixed set of words (case-insensitive, as Slurm reads them). */
  record OneOf(List<String> allowed) implements SettingRule {
    @Override
    public Optional<String> check(String value) {
      return allowed.stream().anyMatch(a -> a.equalsIgnoreCase(value))
          ? Optional.empty()
          : Optional.of("must be one of " + String.join(", ", allowed));
    }
  }

  /** A comma-separated list whose items all come from a fixed set. */
  record ListOf(List<String> allowed) implements SettingRule {
    @Override
    public Optional<String> check(String value) {
      for (String item : value.split(",", -1)) {
        if (allowed.stream().noneMatch(a -> a.equalsIgnoreCase(item.trim()))) {
          return Optional.of("items must be from " + String.join(", ", allowed));
        }
      }
      return Optional.empty();
    }
  }

  /** An absolute path to a program or script on the nodes. */
  record AbsolutePath() implements SettingRule {
    private static final Pattern PATH = Pattern.compile("^/[A-Za-z0-9._/+@%-]*$");

    @Override
    public Optional<String> check(String value) {
      return PATH.matcher(value).matches()
          ? Optional.empty()
          : Optional.of("must be an absolute path of letters, digits and ._/+@%-");
    }
  }

  /** Free text within the safe character set (e.g. comma lists of sub-options). */
  record Text() implements SettingRule {
    @Override
    public Optional<String> check(String value) {
      return Optional.empty();
    }
  }
}
