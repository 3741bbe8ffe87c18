package org.openpcs.provider.local;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local provider's node images ("AMIs"): which Slurm installation ({@code sbin} with slurmd,
 * {@code bin} with the clients), which munge ({@code sbin} with munged) and which agent a node
 * runs. The built-in {@value #DEFAULT_ID} is the host's own Slurm. Registered images are persisted
 * as JSON files under {@code <dataDir>/node-images/}. Thread-safe.
 */
public final class NodeImages {
  public static final String DEFAULT_ID = "ami-00000000000000000";
  public static final Pattern ID = Pattern.compile("ami-[0-9a-f]{8,17}");

  /** The only agent the local provider runs: this server's own, in-process. */
  public static final String BUILTIN_AGENT = "builtin";

  /** One node image. */
  public record NodeImage(
      String id,
      String description,
      @JsonSerialize(using = ToStringSerializer.class) Path slurmSbinDir,
      @JsonSerialize(using = ToStringSerializer.class) Path slurmBinDir,
      @JsonSerialize(using = ToStringSerializer.class) Path mungeSbinDir,
      String agent) {}

  private final Path dir;
  private final NodeImage defaultImage;
  private final Map<String, NodeImage> images = new TreeMap<>();

  /**
   * @param dir {@code <dataDir>/node-images}; created if missing
   */
  public NodeImages(Path dir) {
    this.dir = dir;
    this.defaultImage =
        new NodeImage(
            DEFAULT_ID,
            "the host's Slurm",
            hostDir("slurmd", Path.of("/usr/sbin")),
            hostDir("scontrol", Path.of("/usr/bin")),
            hostDir("munged", Path.of("/usr/sbin")),
            BUILTIN_AGENT);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read node images from " + dir, e);
    }
    this.registry = new RegistryDir<>(dir, "ami-*.json", NodeImage.class, NodeImage::id, ID);
    refresh();
  }

  public String defaultId() {
    return DEFAULT_ID;
  }

  /** The image a launch uses; {@code null} means the default image. */
  public synchronized Optional<NodeImage> find(String id) {
    if (id == null || DEFAULT_ID.equals(id)) {
      return Optional.of(defaultImage);
    }
    refresh();
    return Optional.ofNullable(images.get(id));
  }

  /** Picks up images another process registered while this one runs. */
  private void refresh() {
    registry.refresh(images);
  }

  private final RegistryDir<NodeImage> registry;

  public synchronized boolean exists(String id) {
    return find(id).isPresent();
  }

  /** All images, the default first. */
  public synchronized List<NodeImage> list() {
    refresh();
    List<NodeImage> out = new ArrayList<>();
    out.add(defaultImage);
    out.addAll(images.values());
    return out;
  }

  public synchronized List<String> ids() {
    return list().stream().map(NodeImage::id).toList();
  }

  /** For a ValidationException message. */
  public synchronized String describeKnown() {
    return String.join(", ", ids());
  }

  /**
   * Registers an image.
   *
   * @param id {@code null} for a fresh {@code ami-} + 17 hex id
   * @param mungeSbinDir {@code null} for the host's munged
   * @throws IllegalArgumentException bad or used id, or no slurmd/munged where it says
   */
  public synchronized NodeImage register(
      String id, String description, Path slurmSbinDir, Path slurmBinDir, Path mungeSbinDir) {
    if (id == null) {
      do {
        id = JsonFiles.hexId("ami-", 17);
      } while (exists(id));
    } else if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a node image id must match " + ID.pattern());
    } else if (exists(id)) {
      throw new IllegalArgumentException("node image " + id + " already exists");
    }
    Path sbin = slurmSbinDir.toAbsolutePath().normalize();
    Path bin =
        slurmBinDir == null ? sbin.resolveSibling("bin") : slurmBinDir.toAbsolutePath().normalize();
    Path munge =
        mungeSbinDir == null
            ? defaultImage.mungeSbinDir()
            : mungeSbinDir.toAbsolutePath().normalize();
    if (!Files.isExecutable(sbin.resolve("slurmd"))) {
      throw new IllegalArgumentException(sbin + " has no slurmd");
    }
    if (!Files.isExecutable(munge.resolve("munged"))) {
      throw new IllegalArgumentException(munge + " has no munged");
    }
    NodeImage image = new NodeImage(id, description, sbin, bin, munge, BUILTIN_AGENT);
    JsonFiles.write(dir.resolve(id + ".json"), image, "rw-r--r--");
    images.put(id, image);
    return image;
  }

  /**
   * Removes an image; instances that use it keep running.
   *
   * @return false if it did not exist
   */
  public synchronized boolean remove(String id) {
    if (DEFAULT_ID.equals(id)) {
      throw new IllegalArgumentException("the default node image cannot be removed");
    }
    if (images.remove(id) == null) {
      return false;
    }
    try {
      Files.deleteIfExists(dir.resolve(id + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  /** The Slurm version of an image, asked from its slurmd ({@code slurmd -V} → "22.05.8"). */
  public Optional<String> slurmVersion(String id) {
    Optional<NodeImage> image = find(id);
    if (image.isEmpty()) {
      return Optional.empty();
    }
    Path slurmd = image.get().slurmSbinDir().resolve("slurmd");
    if (!Files.isExecutable(slurmd)) {
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(slurmd.toString(), "-V").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+)").matcher(out);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The directory of {@code exe} on the PATH, or {@code fallback}. */
  private static Path hostDir(String exe, Path fallback) {
    if (Files.isExecutable(fallback.resolve(exe))) {
      return fallback;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
          return Path.of(d).toAbsolutePath();
        }
      }
    }
    return fallback;
  }
}
