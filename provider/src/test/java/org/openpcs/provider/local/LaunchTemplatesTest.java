package org.openpcs.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchTemplatesTest {
  @TempDir Path dir;

  @Test
  void theDefaultTemplateNeedsNoSetup() {
    LaunchTemplates t = new LaunchTemplates(dir.resolve("lt"));
    assertThat(t.exists("lt-0000000000000000", "1")).isTrue();
    assertThat(t.exists("lt-0000000000000000", null)).isTrue();
    assertThat(t.exists("lt-0000000000000000", "$Latest")).isTrue();
    assertThat(t.exists("lt-0000000000000000", "2")).isFalse();
    assertThat(t.exists("lt-0123456789abcdef0", "1")).isFalse();
    assertThat(t.exists(null, "1")).isFalse();
    assertThat(t.resolve("lt-0000000000000000", "1").orElseThrow().script()).isEmpty();
    assertThat(t.versionsById()).containsExactly(Map.entry("lt-0000000000000000", List.of("1")));
    assertThatThrownBy(() -> t.remove("lt-0000000000000000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.addVersion("lt-0000000000000000", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void createVersionPersistRemove() {
    LaunchTemplates t = new LaunchTemplates(dir.resolve("lt"));
    LaunchTemplates.Template a = t.create("first", "echo one", Map.of("A", "1"));
    assertThat(a.id()).matches("lt-[0-9a-f]{17}");
    assertThat(a.versionNumbers()).containsExactly("1");
    LaunchTemplates.Version v2 = t.addVersion(a.id(), "echo two", Map.of("A", "2"));
    assertThat(v2.version()).isEqualTo("2");
    assertThat(t.resolve(a.id(), "$Latest").orElseThrow().script()).isEqualTo("echo two");
    assertThat(t.resolve(a.id(), "$Default").orElseThrow().script()).isEqualTo("echo one");
    assertThat(t.resolve(a.id(), null).orElseThrow().script()).isEqualTo("echo one");
    t.setDefaultVersion(a.id(), "2");
    assertThat(t.resolve(a.id(), null).orElseThrow().environment()).isEqualTo(Map.of("A", "2"));
    LaunchTemplates.Template b = t.create("lt-00000000deadbeef", null, "", null);
    assertThatThrownBy(() -> t.create("lt-00000000deadbeef", null, "", null))
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> t.create("lt-XYZ", null, "", null)).hasMessageContaining("must match");

    LaunchTemplates again = new LaunchTemplates(dir.resolve("lt"));
    assertThat(again.find(a.id()).orElseThrow()).isEqualTo(t.find(a.id()).orElseThrow());
    assertThat(again.exists(b.id(), "1")).isTrue();
    assertThat(again.versionsById()).containsEntry(a.id(), List.of("1", "2"));
    assertThat(again.describeKnown()).contains(a.id() + " (versions 1, 2)");

    assertThat(again.remove(a.id())).isTrue();
    assertThat(again.remove(a.id())).isFalse();
    assertThat(new LaunchTemplates(dir.resolve("lt")).find(a.id())).isEmpty();
    assertThat(Files.exists(dir.resolve("lt").resolve(a.id() + ".json"))).isFalse();
  }

  @Test
  void environmentAndScriptsAreChecked() {
    LaunchTemplates t = new LaunchTemplates(dir.resolve("lt"));
    assertThatThrownBy(() -> t.create(null, "", Map.of("BAD-NAME", "x")))
        .hasMessageContaining("BAD-NAME");
    assertThatThrownBy(() -> t.create(null, "", Map.of("OPENPCS_NODE_NAME", "x")))
        .hasMessageContaining("set by the agent");
    assertThatThrownBy(() -> t.create(null, "a\0b", Map.of())).hasMessageContaining("NUL");
    assertThatThrownBy(() -> t.create(null, "x".repeat((1 << 20) + 1), Map.of()))
        .hasMessageContaining("1 MiB");
    assertThat(t.list()).hasSize(1);
  }
}
