package org.openpcs.slurm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Ordered Key=Value pairs with case-insensitive keys, as Slurm treats them. */
final class ConfPairs {
  private final Map<String, String[]> entries = new LinkedHashMap<>();

  void put(String key, String value) {
    entries.put(key.toLowerCase(Locale.ROOT), new String[] {key, value});
  }

  void remove(String key) {
    entries.remove(key.toLowerCase(Locale.ROOT));
  }

  /** Replaces a default in place (keeping its position) or appends a new pair. */
  void replaceOrAppend(String key, String value) {
    String lower = key.toLowerCase(Locale.ROOT);
    String[] existing = entries.get(lower);
    if (existing != null) {
      existing[1] = value;
    } else {
      entries.put(lower, new String[] {key, value});
    }
  }

  void appendLines(StringBuilder out) {
    entries.values().forEach(kv -> out.append(kv[0]).append('=').append(kv[1]).append('\n'));
  }

  String joined() {
    StringBuilder out = new StringBuilder();
    entries
        .values()
        .forEach(
            kv -> out.append(out.isEmpty() ? "" : " ").append(kv[0]).append('=').append(kv[1]));
    return out.toString();
  }
}
