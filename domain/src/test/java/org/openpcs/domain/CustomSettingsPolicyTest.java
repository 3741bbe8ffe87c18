package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpcs.api.error.ValidationException.Field;

class CustomSettingsPolicyTest {

  /** One realistic, accepted setting per level, in the spelling a user would write. */
  private static final Map<SettingLevel, CustomSetting> REALISTIC =
      Map.of(
          SettingLevel.SLURM_CONF, new CustomSetting("SchedulerParameters", "bf_interval=30"),
          SettingLevel.SLURMDBD_CONF, new CustomSetting("PurgeJobAfter", "12month"),
          SettingLevel.CGROUP_CONF, new CustomSetting("ConstrainRAMSpace", "yes"),
          SettingLevel.PARTITION_LINE, new CustomSetting("MaxTime", "2-00:00:00"),
          SettingLevel.NODE_LINE, new CustomSetting("Weight", "10"));

  /** Characters any value may be made of (the policy's safe class, written out independently). */
  private static final Pattern SAFE_CHARS = Pattern.compile("[A-Za-z0-9_.,:/@%+*=()\\[\\]{}~^!-]*");

  private static List<Field> check(SettingLevel level, CustomSetting... settings) {
    return CustomSettingsPolicy.check(level, "settings", List.of(settings));
  }

  private static List<String> names(List<Field> fields) {
    return fields.stream().map(Field::name).toList();
  }

  @ParameterizedTest
  @EnumSource(SettingLevel.class)
  void aRealisticValueIsAcceptedAtEveryLevel(SettingLevel level) {
    CustomSetting realistic = REALISTIC.get(level);

    assertThat(check(level, realistic)).isEmpty();
    assertThat(CustomSettingsPolicy.allowedNames(level)).contains(realistic.parameterName());
  }

  @ParameterizedTest
  @EnumSource(SettingLevel.class)
  void anUnknownNameIsRefusedWithItsIndexAndTheAllowlist(SettingLevel level) {
    List<Field> problems =
        check(level, REALISTIC.get(level), new CustomSetting("SlurmctldHost", "evil"));

    assertThat(names(problems)).containsExactly("settings[1].parameterName");
    assertThat(problems.get(0).message())
        .contains("'SlurmctldHost' is not a supported parameter")
        .contains(REALISTIC.get(level).parameterName());
  }

  @ParameterizedTest
  @EnumSource(SettingLevel.class)
  void aNullNameIsRefusedNotThrown(SettingLevel level) {
    assertThat(names(check(level, new CustomSetting(null, "1"))))
        .containsExactly("settings[0].parameterName");
  }

  @Test
  void aNameKnownAtOneLevelIsUnknownAtAnother() {
    // Weight belongs on a node line; slurm.conf has no such global parameter.
    assertThat(check(SettingLevel.NODE_LINE, new CustomSetting("Weight", "1"))).isEmpty();
    assertThat(names(check(SettingLevel.SLURM_CONF, new CustomSetting("Weight", "1"))))
        .containsExactly("settings[0].parameterName");
  }

  @Test
  void aNullListHasNoProblems() {
    assertThat(CustomSettingsPolicy.check(SettingLevel.SLURM_CONF, "x", null)).isEmpty();
  }

  @Test
  void namesMatchCaseInsensitivelyAndCanonicalise() {
    assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("minjobage", "300"))).isEmpty();
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.SLURM_CONF, "minjobage"))
        .isEqualTo("MinJobAge");
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.CGROUP_CONF, "CONSTRAINCORES"))
        .isEqualTo("ConstrainCores");
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.PARTITION_LINE, "qos"))
        .isEqualTo("QOS");
  }

  @Test
  void anUnknownNameCanonicalisesToItself() {
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.SLURM_CONF, "NoSuchThing"))
        .isEqualTo("NoSuchThing");
    // The ceiling of a prefix is a longer key; that must not be taken for a match.
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.SLURM_CONF, "MinJob"))
        .isEqualTo("MinJob");
    assertThat(CustomSettingsPolicy.canonicalName(SettingLevel.SLURM_CONF, "zzz")).isEqualTo("zzz");
  }

  @ParameterizedTest
  @EnumSource(SettingLevel.class)
  void everyAllowedNameCanonicalisesToItselfFromAnyCase(SettingLevel level) {
    for (String name : CustomSettingsPolicy.allowedNames(level)) {
      assertThat(CustomSettingsPolicy.canonicalName(level, name.toUpperCase())).isEqualTo(name);
      assertThat(CustomSettingsPolicy.canonicalName(level, name.toLowerCase())).isEqualTo(name);
    }
  }

  @Test
  void allowedNamesAreSortedCaseInsensitively() {
    List<String> names =
        new ArrayList<>(CustomSettingsPolicy.allowedNames(SettingLevel.SLURM_CONF));
    assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER).contains("MinJobAge");
  }

  @Test
  void aDuplicateIsRefusedEvenInAnotherCase() {
    List<Field> problems =
        check(
            SettingLevel.SLURM_CONF,
            new CustomSetting("MinJobAge", "300"),
            new CustomSetting("minjobage", "400"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.name()).isEqualTo("settings[1].parameterName");
              assertThat(f.message()).contains("more than once");
            });
  }

  @Test
  void everyProblemOfOneListIsReportedAtOnce() {
    List<Field> problems =
        check(
            SettingLevel.SLURM_CONF,
            new CustomSetting("Nope", "1"),
            new CustomSetting("MinJobAge", "1"),
            new CustomSetting("PriorityFavorSmall", "maybe"),
            new CustomSetting("Prolog", "relative/path"));

    assertThat(names(problems))
        .containsExactly(
            "settings[0].parameterName",
            "settings[1].parameterValue",
            "settings[2].parameterValue",
            "settings[3].parameterValue");
  }

  @Nested
  class Injection {
    static Stream<Arguments> hostileValuesAtEveryLevel() {
      List<String> hostile =
          List.of(
              "1\nSlurmctldHost=evil",
              "1\rSlurmctldHost=evil",
              "1#comment",
              "1 Nodes=ALL",
              "1\tNodes=ALL",
              "\"1\"",
              "'1'",
              "1\\",
              "1\u0000",
              "",
              "x".repeat(1025),
              "1;reboot",
              "$(reboot)",
              "1`id`",
              "a|b",
              "a&b",
              "a<b",
              "1\u00a0x",
              "é");
      List<Arguments> args = new ArrayList<>();
      for (SettingLevel level : SettingLevel.values()) {
        String name = REALISTIC.get(level).parameterName();
        for (String value : hostile) {
          args.add(Arguments.of(level, name, value));
        }
        args.add(Arguments.of(level, name, null));
      }
      return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hostileValuesAtEveryLevel")
    void isRefusedOnTheValue(SettingLevel level, String name, String value) {
      assertThat(names(check(level, new CustomSetting(name, value))))
          .containsExactly("settings[0].parameterValue");
    }

    @Test
    void textSettingsAcceptExactly1024Characters() {
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("Licenses", "x".repeat(1024))))
          .isEmpty();
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("Licenses", "x".repeat(1025))))
          .hasSize(1);
    }

    @Test
    void equalsSignsAreAllowedOnOwnLinesOnly() {
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("SchedulerParameters", "bf_interval=30")))
          .isEmpty();
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("SchedulerParameters", "bf_interval=30,bf_max_job_test=500")))
          .isEmpty();
      assertThat(check(SettingLevel.SLURMDBD_CONF, new CustomSetting("Parameters", "a=b")))
          .isEmpty();

      List<Field> partition =
          check(SettingLevel.PARTITION_LINE, new CustomSetting("AllowAccounts", "a,Nodes=ALL"));
      assertThat(partition)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.name()).isEqualTo("settings[0].parameterValue");
                assertThat(f.message()).contains("'='");
              });
      assertThat(names(check(SettingLevel.NODE_LINE, new CustomSetting("Features", "a=b"))))
          .containsExactly("settings[0].parameterValue");
    }

    @Test
    void aBadValueDoesNotHideABadNameLaterInTheList() {
      List<Field> problems =
          check(
              SettingLevel.PARTITION_LINE,
              new CustomSetting("MaxTime", "1\nPartitionName=x"),
              new CustomSetting("Nodes", "ALL"));
      assertThat(names(problems))
          .containsExactly("settings[0].parameterValue", "settings[1].parameterName");
    }

    @Test
    void aHostileNameIsEchoedOnlyInPrintableAbbreviatedForm() {
      String name = "X\nSlurmctldHost=evil" + "y".repeat(100);
      Field f = check(SettingLevel.SLURM_CONF, new CustomSetting(name, "1")).get(0);
      assertThat(f.message()).doesNotContain("\n").contains("X?SlurmctldHost").contains("...");
      assertThat(f.message()).doesNotContain("y".repeat(60));
    }
  }

  @Nested
  class TypedRules {
    @Test
    void minJobAgeIsAtLeastFive() {
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("MinJobAge", "5"))).isEmpty();
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("MinJobAge", "4")))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.name()).isEqualTo("settings[0].parameterValue");
                assertThat(f.message()).contains("MinJobAge").contains("5");
              });
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("MinJobAge", "-1"))).hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("MinJobAge", "five")))
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("whole number"));
    }

    @Test
    void yesNoIsCaseInsensitiveButClosed() {
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("ConstrainCores", "YES")))
          .isEmpty();
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("ConstrainCores", "no")))
          .isEmpty();
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("ConstrainCores", "true")))
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("yes, no"));
      assertThat(check(SettingLevel.PARTITION_LINE, new CustomSetting("Default", "1"))).hasSize(1);
    }

    @Test
    void rangesHaveInclusiveBounds() {
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("AllowedRAMSpace", "0")))
          .isEmpty();
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("AllowedRAMSpace", "100")))
          .isEmpty();
      assertThat(check(SettingLevel.CGROUP_CONF, new CustomSetting("AllowedRAMSpace", "101")))
          .hasSize(1);
      assertThat(check(SettingLevel.NODE_LINE, new CustomSetting("Weight", "65533"))).isEmpty();
      assertThat(check(SettingLevel.NODE_LINE, new CustomSetting("Weight", "65534"))).hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("FirstJobId", "0"))).hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("JobRequeue", "2"))).hasSize(1);
      // Beyond what a long holds must be a refusal, not an exception.
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("DefMemPerCPU", "99999999999999999999")))
          .hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("DefMemPerCPU", "2147483648")))
          .hasSize(1);
    }

    @Test
    void programsMustBeAbsolutePaths() {
      assertThat(
              check(SettingLevel.SLURM_CONF, new CustomSetting("Prolog", "/opt/slurm/prolog.sh")))
          .isEmpty();
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("Prolog", "prolog.sh")))
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("absolute path"));
      // Safe characters, but not ones a path may hold.
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("Epilog", "/bin/x,/bin/y")))
          .hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("Epilog", "/bin/x=1")))
          .hasSize(1);
    }

    @Test
    void enumeratedWordsAndListsAreClosed() {
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("AccountingStorageEnforce", "associations,limits,qos")))
          .isEmpty();
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("AccountingStorageEnforce", "associations,,qos")))
          .hasSize(1);
      assertThat(
              check(
                  SettingLevel.SLURM_CONF,
                  new CustomSetting("AccountingStorageEnforce", "associations,wckeys")))
          .hasSize(1);
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("PreemptType", "preempt/qos")))
          .isEmpty();
      assertThat(check(SettingLevel.SLURM_CONF, new CustomSetting("PreemptType", "preempt/x")))
          .hasSize(1);
    }
  }

  // --- properties

  @Provide
  Arbitrary<Tuple.Tuple2<SettingLevel, String>> levelAndName() {
    return Arbitraries.of(SettingLevel.values())
        .flatMap(
            level ->
                Arbitraries.of(List.copyOf(CustomSettingsPolicy.allowedNames(level)))
                    .map(name -> Tuple.of(level, name)));
  }

  @Provide
  Arbitrary<String> anyValue() {
    // Mostly safe characters (so many values get past the character check to the typed rules),
    // salted with anything at all, including line breaks and control characters.
    Arbitrary<Character> safe = Arbitraries.of("abcXYZ019_.,:/@%+*=()[]{}~^!- ".toCharArray());
    Arbitrary<Character> any = Arbitraries.chars().all();
    return Arbitraries.frequencyOf(Tuple.of(9, safe), Tuple.of(1, any))
        .list()
        .ofMinSize(0)
        .ofMaxSize(40)
        .map(
            cs -> {
              StringBuilder sb = new StringBuilder();
              cs.forEach(sb::append);
              return sb.toString();
            })
        .injectDuplicates(0.05)
        .edgeCases(e -> e.add("yes").add("/x").add("5").add("1\n"));
  }

  @Property(tries = 1000)
  void noAcceptedValueEverLeavesTheSafeCharacterClass(
      @ForAll("levelAndName") Tuple.Tuple2<SettingLevel, String> at,
      @ForAll("anyValue") String value) {
    SettingLevel level = at.get1();
    List<Field> problems = check(level, new CustomSetting(at.get2(), value));

    if (problems.isEmpty()) {
      assertThat(value).matches(SAFE_CHARS).hasSizeBetween(1, 1024);
      if (level.sharesLine()) {
        assertThat(value).doesNotContain("=");
      }
    } else {
      assertThat(names(problems)).containsExactly("settings[0].parameterValue");
    }
  }

  @Property(tries = 300)
  void unsafeCharactersAreAlwaysRefused(
      @ForAll("levelAndName") Tuple.Tuple2<SettingLevel, String> at,
      @ForAll("anyValue") String prefix,
      @ForAll char c) {
    String unsafe = String.valueOf(c);
    if (SAFE_CHARS.matcher(unsafe).matches()) {
      return;
    }
    assertThat(check(at.get1(), new CustomSetting(at.get2(), prefix + unsafe + "1")))
        .extracting(Field::name)
        .containsExactly("settings[0].parameterValue");
  }
}
