package org.openpcs.slurm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openpcs.domain.CustomSetting;

/**
 * Custom settings as the renderer writes them: every key and value re-checked by {@link
 * ConfValues}, keys OpenPCS owns refused, a repeated key (case-insensitively) keeping its last
 * value. Shared by slurm.conf's global part, its node and partition lines, and cgroup.conf.
 */
final class CustomSettings {
  private CustomSettings() {}

  /** Validated settings, keyed case-insensitively; a repeated key keeps its last value. */
  static List<String[]> validated(List<CustomSetting> settings, Set<String> owned, String what) {
    Map<String, String[]> byKey = new LinkedHashMap<>();
    for (CustomSetting s : settings == null ? List.<CustomSetting>of() : settings) {
      String key = ConfValues.key(what, s.parameterName());
      String value = ConfValues.value(what + " " + key, s.parameterValue());
      String lower = key.toLowerCase(Locale.ROOT);
      if (owned.contains(lower)) {
        throw new IllegalArgumentException(what + ": " + key + " is managed by OpenPCS");
      }
      byKey.remove(lower);
      byKey.put(lower, new String[] {key, value});
    }
    return new ArrayList<>(byKey.values());
  }

  /** A set of owned keys in the lower case {@link #validated} compares them in. */
  static Set<String> lower(String... keys) {
    Set<String> out = new HashSet<>();
    for (String k : keys) {
      out.add(k.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(out);
  }
}
