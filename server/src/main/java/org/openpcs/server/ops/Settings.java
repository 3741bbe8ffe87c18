package org.openpcs.server.ops;

import java.util.List;
import java.util.function.Function;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.CustomSettingsPolicy;
import org.openpcs.domain.SettingLevel;

/** Wire custom-setting lists to checked domain settings (canonical parameter names). */
final class Settings {
  private Settings() {}

  /**
   * Converts and checks one list; {@code null} stays null (member absent). Problems are collected,
   * never thrown, so one request reports all of them.
   */
  static <W> List<CustomSetting> convert(
      List<W> wire,
      Function<W, String> name,
      Function<W, String> value,
      SettingLevel level,
      String path,
      Problems problems) {
    if (wire == null) {
      return null;
    }
    List<CustomSetting> settings =
        wire.stream().map(w -> new CustomSetting(name.apply(w), value.apply(w))).toList();
    var found = CustomSettingsPolicy.check(level, path, settings);
    problems.addAll(found);
    if (!found.isEmpty()) {
      return settings;
    }
    return settings.stream()
        .map(
            s ->
                new CustomSetting(
                    CustomSettingsPolicy.canonicalName(level, s.parameterName()),
                    s.parameterValue()))
        .toList();
  }

  static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
