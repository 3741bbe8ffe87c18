package org.openpcs.domain;

import static java.util.Map.entry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openpcs.api.error.ValidationException.Field;

/**
 * The allowlists of Slurm parameters users may set (pcs-api-notes §5.6) and the value checks that
 * keep a setting from ever changing the shape of a generated Slurm config: no line breaks, no
 * comment marker, no blanks (which would start another {@code Key=Value} on a shared line), no
 * quotes or backslashes, and no '=' on shared lines.
 */
public final class CustomSettingsPolicy {
  private static final SettingRule TEXT = new SettingRule.Text();
  private static final SettingRule PATH = new SettingRule.AbsolutePath();
  private static final SettingRule YES_NO = new SettingRule.OneOf(List.of("yes", "no"));
  private static final SettingRule COUNT = new SettingRule.IntRange(0, Integer.MAX_VALUE);
  private static final SettingRule PERCENT = new SettingRule.IntRange(0, 100);

  /** Characters a value may use at all. */
  private static final Pattern SAFE =
      Pattern.compile("^[A-Za-z0-9_.,:/@%+*=()\\[\\]{}~^!-]{1,1024}$");

  private static final Map<String, SettingRule> SLURM_CONF =
      caseInsensitive(
          Map.ofEntries(
              entry(
                  "AccountingStorageEnforce",
                  new SettingRule.ListOf(
                      List.of("associations", "limits", "qos", "safe", "nosteps", "nojobs"))),
              entry("AccountingStorageTRES", TEXT),
              entry("AccountingStoreFlags", TEXT),
              entry("AuthAltParameters", TEXT),
              entry("CliFilterParameters", TEXT),
              entry("CliFilterPlugins", TEXT),
              entry("CommunicationParameters", TEXT),
              entry("DefMemPerCPU", COUNT),
              entry("Epilog", PATH),
              entry("EnforcePartLimits", new SettingRule.OneOf(List.of("ALL", "ANY", "NO", "YES"))),
              entry("FairShareDampeningFactor", new SettingRule.IntRange(1, 65535)),
              entry("FirstJobId", new SettingRule.IntRange(1, 67_108_863)),
              entry("HealthCheckInterval", COUNT),
              entry("HealthCheckNodeState", TEXT),
              entry("HealthCheckProgram", PATH),
              entry("JobRequeue", new SettingRule.IntRange(0, 1)),
              entry("LaunchParameters", TEXT),
              entry("Licenses", TEXT),
              entry("MetricsType", TEXT),
              entry("MinJobAge", new SettingRule.IntRange(5, Integer.MAX_VALUE)),
              entry("OverTimeLimit", TEXT),
              entry("PreemptExemptTime", TEXT),
              entry("PreemptMode", TEXT),
              entry("PreemptParameters", TEXT),
              entry(
                  "PreemptType",
                  new SettingRule.OneOf(
                      List.of("preempt/none", "preempt/partition_prio", "preempt/qos"))),
              entry("PriorityCalcPeriod", TEXT),
              entry("PriorityDecayHalfLife", TEXT),
              entry("PriorityFavorSmall", YES_NO),
              entry("PriorityFlags", TEXT),
              entry("PriorityMaxAge", TEXT),
              entry(
                  "PriorityUsageResetPeriod",
                  new SettingRule.OneOf(
                      List.of("NONE", "NOW", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "YEARLY"))),
              entry("PriorityWeightAge", COUNT),
              entry("PriorityWeightAssoc", COUNT),
              entry("PriorityWeightFairshare", COUNT),
              entry("PriorityWeightJobSize", COUNT),
              entry("PriorityWeightPartition", COUNT),
              entry("PriorityWeightQOS", COUNT),
              entry("PriorityWeightTRES", TEXT),
              entry("Prolog", PATH),
              entry("PrologFlags", TEXT),
              entry("RequeueExit", TEXT),
              entry("RequeueExitHold", TEXT),
              entry("SchedulerParameters", TEXT),
              entry("SelectTypeParameters", TEXT),
              entry("SrunPortRange", TEXT),
              entry("TaskEpilog", PATH),
              entry("TaskPluginParam", TEXT),
              entry("TaskProlog", PATH),
              entry("TrackWCKey", YES_NO),
              entry("UnkillableStepProgram", PATH),
              entry("UnkillableStepTimeout", COUNT)));

  private static final Map<String, SettingRule> SLURMDBD_CONF =
      caseInsensitive(
          Map.ofEntries(
              entry("AllowNoDefAcct", YES_NO),
              entry("AllResourcesAbsolute", YES_NO),
              entry("CommitDelay", COUNT),
              entry("DefaultQOS", TEXT),
              entry("MaxQueryTimeRange", TEXT),
              entry("Parameters", TEXT),
              entry("PrivateData", TEXT),
              entry("PurgeEventAfter", TEXT),
              entry("PurgeJobAfter", TEXT),
              entry("PurgeResvAfter", TEXT),
              entry("PurgeStepAfter", TEXT),
              entry("PurgeSuspendAfter", TEXT),
              entry("PurgeTXNAfter", TEXT),
              entry("PurgeUsageAfter", TEXT),
              entry("TrackWCKey", YES_NO)));

  private static final Map<String, SettingRule> CGROUP_CONF =
      caseInsensitive(
          Map.ofEntries(
              entry("AllowedRAMSpace", PERCENT),
              entry("AllowedSwapSpace", PERCENT),
              entry("ConstrainCores", YES_NO),
              entry("ConstrainDevices", YES_NO),
              entry("ConstrainRAMSpace", YES_NO),
              entry("ConstrainSwapSpace", YES_NO),
              entry("IgnoreSystemd", YES_NO),
              entry("MaxRAMPercent", PERCENT),
              entry("MaxSwapPercent", PERCENT),
              entry("MinRAMSpace", COUNT),
              entry("SignalChildrenProcesses", YES_NO)));

  private static final Map<String, SettingRule> PARTITION_LINE =
      caseInsensitive(
          Map.ofEntries(
              entry("AllowAccounts", TEXT),
              entry("AllowQos", TEXT),
              entry("Default", YES_NO),
              entry("DefaultTime", TEXT),
              entry("DenyAccounts", TEXT),
              entry("DenyQos", TEXT),
              entry("ExclusiveUser", YES_NO),
              entry("GraceTime", COUNT),
              entry("MaxTime", TEXT),
              entry("OverSubscribe", TEXT),
              entry("OverTimeLimit", TEXT),
              entry("PowerDownOnIdle", YES_NO),
              entry("PreemptMode", TEXT),
              entry("PriorityJobFactor", new SettingRule.IntRange(0, 65533)),
              entry("PriorityTier", new SettingRule.IntRange(0, 65533)),
              entry("QOS", TEXT),
              entry("TRESBillingWeights", TEXT)));

  private static final Map<String, SettingRule> NODE_LINE =
      caseInsensitive(
          Map.ofEntries(
              entry("CpuSpecList", TEXT),
              entry("Features", TEXT),
              entry("Gres", TEXT),
              entry("MemSpecLimit", COUNT),
              entry("RealMemory", COUNT),
              entry("Weight", new SettingRule.IntRange(0, 65533))));

  private CustomSettingsPolicy() {}

  private static Map<String, SettingRule> caseInsensitive(Map<String, SettingRule> rules) {
    Map<String, SettingRule> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.putAll(rules);
    return m;
  }

  private static Map<String, SettingRule> rules(SettingLevel level) {
    return switch (level) {
      case SLURM_CONF -> SLURM_CONF;
      case SLURMDBD_CONF -> SLURMDBD_CONF;
      case CGROUP_CONF -> CGROUP_CONF;
      case PARTITION_LINE -> PARTITION_LINE;
      case NODE_LINE -> NODE_LINE;
    };
  }

  /** The parameter names allowed at a level, sorted. */
  public static Set<String> allowedNames(SettingLevel level) {
    return ((TreeMap<String, SettingRule>) rules(level)).navigableKeySet();
  }

  /**
   * Checks every setting of one list and returns all problems, each naming the field path ({@code
   * path[i].parameterName} or {@code path[i].parameterValue}).
   */
  public static List<Field> check(SettingLevel level, String path, List<CustomSetting> settings) {
    List<Field> problems = new ArrayList<>();
    if (settings == null) {
      return problems;
    }
    Map<String, SettingRule> rules = rules(level);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < settings.size(); i++) {
      CustomSetting s = settings.get(i);
      String at = path + "[" + i + "]";
      String name = s.parameterName();
      SettingRule rule = name == null ? null : rules.get(name);
      if (rule == null) {
        problems.add(
            new Field(
                at + ".parameterName",
                "'"
                    + abbreviate(name)
                    + "' is not a supported parameter here; supported: "
                    + String.join(", ", allowedNames(level))));
        continue;
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        problems.add(new Field(at + ".parameterName", "'" + name + "' is set more than once"));
      }
      String value = s.parameterValue();
      if (value == null || !SAFE.matcher(value).matches()) {
        problems.add(
            new Field(
                at + ".parameterValue",
                "value of "
                    + name
                    + " must be 1 to 1024 characters without blanks, line breaks, '#', quotes or backslashes"));
        continue;
      }
      if (level.sharesLine() && value.contains("=")) {
        problems.add(
            new Field(at + ".parameterValue", "value of " + name + " may not contain '='"));
        continue;
      }
      rule.check(value)
          .ifPresent(p -> problems.add(new Field(at + ".parameterValue", name + " " + p)));
    }
    return problems;
  }

  /** The canonical spelling of an allowed name ({@code minjobage} → {@code MinJobAge}). */
  public static String canonicalName(SettingLevel level, String name) {
    TreeMap<String, SettingRule> rules = (TreeMap<String, SettingRule>) rules(level);
    String key = rules.ceilingKey(name);
    return key != null && key.equalsIgnoreCase(name) ? key : name;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
  }
}
