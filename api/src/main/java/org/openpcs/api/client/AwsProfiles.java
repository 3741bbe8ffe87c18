package org.openpcs.api.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads and writes profiles in the AWS shared credentials and config files ({@code
 * ~/.aws/credentials}, {@code ~/.aws/config}), so that a profile our server writes works with the
 * official AWS CLI and SDKs as well as with ours.
 */
public final class AwsProfiles {
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private AwsProfiles() {}

  /**
   * One named profile. {@code region} and {@code endpointUrl} may be {@code null}; {@link
   * #toString()} never shows the secret.
   */
  public record Profile(
      String name, String accessKeyId, String secretAccessKey, String region, String endpointUrl) {
    public Profile {
      if (name == null
          || name.isBlank()
          || !name.equals(name.strip())
          || name.matches(".*[\\[\\]\\r\\n].*")) {
        throw new IllegalArgumentException("invalid profile name: '" + name + "'");
      }
      for (String v : new String[] {accessKeyId, secretAccessKey, region, endpointUrl}) {
        // A newline in a value would let it write arbitrary settings into the file.
        if (v != null && (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0)) {
          throw new IllegalArgumentException("profile values must be single-line");
        }
      }
    }

    @Override
    public String toString() {
      return "Profile[name="
          + name
          + ", accessKeyId="
          + accessKeyId
          + ", secretAccessKey=***, region="
          + region
          + ", endpointUrl="
          + endpointUrl
          + "]";
    }
  }

  /**
   * Writes {@code p} as credentials section {@code [name]} and config section {@code [profile
   * name]} ({@code [default]} for the default profile), replacing existing sections of that name
   * and keeping all others. Files are replaced atomically and are readable by the owner only.
   *
   * @throws UncheckedIOException if a file cannot be read or written
   */
  public static void write(Path credentialsFile, Path configFile, Profile p) {
    if (p.accessKeyId() == null || p.secretAccessKey() == null) {
      throw new IllegalArgumentException("a profile to write needs an access key id and a secret");
    }
    List<String> credentials = new ArrayList<>();
    credentials.add("[" + p.name() + "]");
    credentials.add("aws_access_key_id = " + p.accessKeyId());
    credentials.add("aws_secret_access_key = " + p.secretAccessKey());

    List<String> config = new ArrayList<>();
    config.add(p.name().equals("default") ? "[default]" : "[profile " + p.name() + "]");
    if (p.region() != null) {
      config.add("region = " + p.region());
    }
    if (p.endpointUrl() != null) {
      config.add("endpoint_url = " + p.endpointUrl());
    }
    config.add("output = json");

    update(credentialsFile, credentialsSection(p.name()), credentials);
    update(configFile, configSection(p.name()), config);
  }

  /**
   * The profile {@code name}, if either file has a section for it. Keys may be in either file, as
   * the AWS CLI allows; the credentials file wins.
   *
   * @throws UncheckedIOException if an existing file cannot be read
   */
  public static Optional<Profile> read(Path credentialsFile, Path configFile, String name) {
    Optional<Map<String, String>> creds =
        IniFile.section(lines(credentialsFile), credentialsSection(name));
    Optional<Map<String, String>> config = IniFile.section(lines(configFile), configSection(name));
    if (creds.isEmpty() && config.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> c = creds.orElse(Map.of());
    Map<String, String> f = config.orElse(Map.of());
    return Optional.of(
        new Profile(
            name,
            c.getOrDefault("aws_access_key_id", f.get("aws_access_key_id")),
            c.getOrDefault("aws_secret_access_key", f.get("aws_secret_access_key")),
            f.get("region"),
            f.get("endpoint_url")));
  }

  private static Predicate<String> credentialsSection(String name) {
    return name::equals;
  }

  // The CLI reads [default] and, for the default profile only, also [profile default].
  private static Predicate<String> configSection(String name) {
    return section -> {
      if (section.equals(name)) {
        return name.equals("default");
      }
      String[] parts = section.split("\\s+", 2);
      return parts.length == 2 && parts[0].equals("profile") && parts[1].strip().equals(name);
    };
  }

  private static List<String> lines(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void update(Path file, Predicate<String> section, List<String> replacement) {
    try {
      // Write through a symlink (dotfile managers) instead of replacing the link with a file.
      Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
      List<String> updated = IniFile.replaceSection(lines(target), section, replacement);
      writeAtomically(target, String.join("\n", updated) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path dir = file.getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      createPrivateDirectories(dir, posix);
    }
    Path tmp =
        posix
            ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attribute(FILE_MODE))
            : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      if (posix) {
        Files.setPosixFilePermissions(tmp, FILE_MODE);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates missing directories 0700; existing ones are the user's business and left alone. */
  private static void createPrivateDirectories(Path dir, boolean posix) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivateDirectories(parent, posix);
    }
    try {
      if (posix) {
        Files.createDirectory(dir, attribute(DIR_MODE));
        // The creation mode is filtered by the umask; set it explicitly.
        Files.setPosixFilePermissions(dir, DIR_MODE);
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
    return PosixFilePermissions.asFileAttribute(mode);
  }
}
