package org.openpcs.provider;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The instance types that ship with OpenPCS ({@value #RESOURCE}: real EC2 names, vCPUs, memory,
 * GPUs and approximate us-east-1 prices), plus the user's own types from an optional file of the
 * same format ({@code <dataDir>/instance-types.json}), which add types or replace bundled ones by
 * name:
 *
 * <pre>{@code
 * {"instanceTypes": [{"name": "lab.big", "vcpus": 2, "memoryMiB": 1000, "gpus": 0,
 *                     "onDemandPerHour": 0.01, "spotPerHour": 0.003}]}
 * }</pre>
 *
 * Thread-safe; {@link #reload()} re-reads the user file.
 */
public final class BundledCatalog implements InstanceTypeCatalog {
  public static final String RESOURCE = "org/openpcs/provider/instance-types.json";
  public static final String USER_FILE = "instance-types.json";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final Path userFile;
  private final String source;
  private final Map<String, InstanceType> bundled;
  private volatile Map<String, InstanceType> types;
  private volatile List<String> orderedNames = List.of();

  /** Only the bundled types. */
  public BundledCatalog() {
    this(null);
  }

  /**
   * @param userFile the user's types; may be {@code null} or missing
   * @throws IllegalArgumentException when the user file is not valid (names the file and entry)
   */
  public BundledCatalog(Path userFile) {
    this.userFile = userFile;
    JsonNode root;
    try (InputStream in = BundledCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      root = MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.source = root.path("source").asText();
    this.bundled = parse(root, RESOURCE);
    reload();
  }

  /** The bundled types plus {@code <dataDir>/instance-types.json}. */
  public static BundledCatalog forDataDir(Path dataDir) {
    return new BundledCatalog(dataDir.resolve(USER_FILE));
  }

  /** Re-reads the user file. */
  public void reload() {
    Map<String, InstanceType> all = new LinkedHashMap<>(bundled);
    if (userFile != null && Files.exists(userFile)) {
      try {
        all.putAll(parse(MAPPER.readTree(Files.readAllBytes(userFile)), userFile.toString()));
      } catch (IOException e) {
        throw new IllegalArgumentException(userFile + ": not valid JSON: " + e.getMessage(), e);
      }
    }
    types = Map.copyOf(all);
    orderedNames = List.copyOf(all.keySet());
  }

  /** Where the bundled prices come from (the resource's "source"). */
  public String source() {
    return source;
  }

  /** True if the type comes from the user file. */
  public boolean userDefined(String name) {
    return types.containsKey(name) && types.get(name) != bundled.get(name);
  }

  @Override
  public Optional<InstanceType> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(types.get(name));
  }

  /** Bundled types in file order, then the user's additions. */
  @Override
  public Collection<InstanceType> all() {
    Map<String, InstanceType> t = types;
    return orderedNames.stream().map(t::get).toList();
  }

  private static Map<String, InstanceType> parse(JsonNode root, String where) {
    JsonNode list = root.path("instanceTypes");
    if (!list.isArray()) {
      throw new IllegalArgumentException(where + ": needs an \"instanceTypes\" array");
    }
    Map<String, InstanceType> out = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode n : list) {
      String at = where + ": instanceTypes[" + i++ + "]";
      String name = n.path("name").asText(null);
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(at + ": \"name\" must match " + NAME.pattern());
      }
      at += " (" + name + ")";
      int vcpus = n.path("vcpus").asInt(0);
      long mem = n.path("memoryMiB").asLong(0);
      int gpus = n.path("gpus").asInt(0);
      if (vcpus < 1 || mem < 1 || gpus < 0) {
        throw new IllegalArgumentException(at + ": needs vcpus >= 1, memoryMiB >= 1, gpus >= 0");
      }
      String gpuModel = n.path("gpuModel").isTextual() ? n.path("gpuModel").asText() : null;
      BigDecimal onDemand = price(n, "onDemandPerHour", at);
      BigDecimal spot = price(n, "spotPerHour", at);
      if (onDemand == null) {
        throw new IllegalArgumentException(at + ": needs \"onDemandPerHour\"");
      }
      out.put(name, new InstanceType(name, vcpus, mem, gpus, gpuModel, onDemand, spot));
    }
    return out;
  }

  private static BigDecimal price(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || v.decimalValue().signum() < 0) {
      throw new IllegalArgumentException(at + ": \"" + field + "\" must be a number >= 0");
    }
    // one scale per value, so that equal prices compare equal
    BigDecimal d = v.decimalValue().stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
