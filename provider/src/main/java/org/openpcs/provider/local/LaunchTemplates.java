package org.openpcs.provider.local;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The local provider's launch templates: each has an id ({@code lt-} + hex) and numbered versions,
 * each version a bootstrap script (run with bash before slurmd starts) and environment variables.
 * Persisted as one JSON file per template under {@code <dataDir>/launch-templates/}. The built-in
 * {@value #DEFAULT_ID} (version "1", no script) needs no setup and cannot be changed or removed.
 *
 * <p>An id this registry does not know must be refused upstream with a ValidationException: use
 * {@link #exists} and {@link #describeKnown()} for the message. Thread-safe.
 */
public final class LaunchTemplates {
  public static final String DEFAULT_ID = "lt-0000000000000000";
  public static final String DEFAULT_VERSION = "1";
  public static final Pattern ID = Pattern.compile("lt-[0-9a-f]{8,17}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final int MAX_SCRIPT_BYTES = 1 << 20;

  /** One version: the bootstrap script (may be empty) and its environment. */
  public record Version(String version, String script, Map<String, String> environment) {
    public Version {
      script = script == null ? "" : script;
      environment = environment == null ? Map.of() : Map.copyOf(new TreeMap<>(environment));
    }
  }

  /** A template with its versions, oldest first; {@code defaultVersion} is used for "$Default". */
  public record Template(String id, String name, String defaultVersion, List<Version> versions) {
    public Template {
      versions = List.copyOf(versions);
    }

    public Optional<Version> version(String v) {
      return versions.stream().filter(x -> x.version().equals(v)).findFirst();
    }

    @JsonIgnore
    public Version latest() {
      return versions.get(versions.size() - 1);
    }

    @JsonIgnore
    public List<String> versionNumbers() {
      return versions.stream().map(Version::version).toList();
    }
  }

  private static final Template DEFAULT =
      new Template(
          DEFAULT_ID,
          "openpcs-default",
          DEFAULT_VERSION,
          List.of(new Version(DEFAULT_VERSION, "", Map.of())));

  private final Path dir;
  private final Map<String, Template> templates = new TreeMap<>();

  /**
   * @param dir {@code <dataDir>/launch-templates}; created if missing
   */
  public LaunchTemplates(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read launch templates from " + dir, e);
    }
    this.registry = new RegistryDir<>(dir, "lt-*.json", Template.class, Template::id, ID);
    refresh();
  }

  /** The default template's id. */
  public String defaultId() {
    return DEFAULT_ID;
  }

  /**
   * True if the template exists and has that version ({@code null}, "$Default" and "$Latest" mean
   * its default and latest version).
   */
  public synchronized boolean exists(String id, String version) {
    return resolve(id, version).isPresent();
  }

  /** The version a launch with {@code id}/{@code version} uses. */
  public synchronized Optional<Version> resolve(String id, String version) {
    Template t = get(id);
    if (t == null) {
      return Optional.empty();
    }
    if (version == null || version.isEmpty() || version.equals("$Default")) {
      return t.version(t.defaultVersion());
    }
    if (version.equals("$Latest")) {
      return Optional.of(t.latest());
    }
    return t.version(version);
  }

  public synchronized Optional<Template> find(String id) {
    return Optional.ofNullable(get(id));
  }

  /** All templates, the default first. */
  public synchronized List<Template> list() {
    List<Template> out = new ArrayList<>();
    out.add(DEFAULT);
    out.addAll(templates.values());
    return out;
  }

  /** Id → version numbers, for {@code ComputeProvider.launchTemplates()}. */
  public synchronized Map<String, List<String>> versionsById() {
    refresh();
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Template t : list()) {
      out.put(t.id(), t.versionNumbers());
    }
    return out;
  }

  /** For a ValidationException message: {@code lt-0000000000000000 (versions 1), ...}. */
  public synchronized String describeKnown() {
    StringBuilder sb = new StringBuilder();
    for (Template t : list()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(t.id())
          .append(" (versions ")
          .append(String.join(", ", t.versionNumbers()))
          .append(')');
    }
    return sb.toString();
  }

  /** Registers a new template with a fresh id and version "1". */
  public Template create(String name, String script, Map<String, String> environment) {
    return create(null, name, script, environment);
  }

  /**
   * Registers a new template with version "1".
   *
   * @param id {@code null} for a fresh {@code lt-} + 17 hex id
   * @throws IllegalArgumentException bad id, id in use, bad script or environment
   */
  public synchronized Template create(
      String id, String name, String script, Map<String, String> environment) {
    if (id == null) {
      do {
        id = JsonFiles.hexId("lt-", 17);
      } while (get(id) != null);
    } else if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a launch template id must match " + ID.pattern());
    } else if (get(id) != null) {
      throw new IllegalArgumentException("launch template " + id + " already exists");
    }
    if (name != null && (name.length() > 128 || name.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException(
          "a launch template name is at most 128 printable characters");
    }
    Template t =
        new Template(
            id, name, DEFAULT_VERSION, List.of(version(DEFAULT_VERSION, script, environment)));
    save(t);
    return t;
  }

  /** Adds the next version (highest + 1) to a template; the default version does not change. */
  public synchronized Version addVersion(
      String id, String script, Map<String, String> environment) {
    Template t = mutable(id);
    int next =
        t.versions().stream().mapToInt(v -> Integer.parseInt(v.version())).max().orElse(0) + 1;
    Version v = version(Integer.toString(next), script, environment);
    List<Version> versions = new ArrayList<>(t.versions());
    versions.add(v);
    save(new Template(t.id(), t.name(), t.defaultVersion(), versions));
    return v;
  }

  /** Makes {@code version} the one "$Default" (and a null version) means. */
  public synchronized void setDefaultVersion(String id, String version) {
    Template t = mutable(id);
    if (t.version(version).isEmpty()) {
      throw new IllegalArgumentException(id + " has no version " + version);
    }
    save(new Template(t.id(), t.name(), version, t.versions()));
  }

  /**
   * Removes a template. Instances launched from it keep running.
   *
   * @return false if it did not exist
   */
  public synchronized boolean remove(String id) {
    if (DEFAULT_ID.equals(id)) {
      throw new IllegalArgumentException("the default launch template cannot be removed");
    }
    if (templates.remove(id) == null) {
      return false;
    }
    try {
      Files.deleteIfExists(dir.resolve(id + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  private Template get(String id) {
    if (id == null) {
      return null;
    }
    if (DEFAULT_ID.equals(id)) {
      return DEFAULT;
    }
    refresh();
    return templates.get(id);
  }

  /** Picks up entries another process registered while this one runs. */
  private void refresh() {
    registry.refresh(templates);
  }

  private final RegistryDir<Template> registry;

  private Template mutable(String id) {
    if (DEFAULT_ID.equals(id)) {
      throw new IllegalArgumentException("the default launch template cannot be changed");
    }
    Template t = templates.get(id);
    if (t == null) {
      throw new IllegalArgumentException("no launch template " + id);
    }
    return t;
  }

  private void save(Template t) {
    JsonFiles.write(dir.resolve(t.id() + ".json"), t, "rw-------");
    templates.put(t.id(), t);
  }

  private static Version version(String number, String script, Map<String, String> env) {
    if (script != null && script.getBytes(StandardCharsets.UTF_8).length > MAX_SCRIPT_BYTES) {
      throw new IllegalArgumentException("a bootstrap script is at most 1 MiB");
    }
    if (script != null && script.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a bootstrap script cannot contain NUL");
    }
    if (env != null) {
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (!ENV_NAME.matcher(e.getKey()).matches()) {
          throw new IllegalArgumentException("bad environment variable name: " + e.getKey());
        }
        if (e.getKey().startsWith("OPENPCS_")) {
          throw new IllegalArgumentException(
              "OPENPCS_* variables are set by the agent: " + e.getKey());
        }
        if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
          throw new IllegalArgumentException("bad value for environment variable " + e.getKey());
        }
      }
    }
    return new Version(number, script, env);
  }
}
