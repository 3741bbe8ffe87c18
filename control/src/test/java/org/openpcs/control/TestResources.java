package org.openpcs.control;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.Queue;
import org.openpcs.domain.QueueSpec;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.InstanceTypeCatalog;

/** Small, readable resources for control tests (the store fixtures fill every field instead). */
public final class TestResources {
  public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private TestResources() {}

  public static Cluster cluster(String id, Size size, int scaleDownSeconds) {
    return new Cluster(
        id,
        "c-" + id.substring(Math.max(0, id.length() - 6)),
        new ClusterSpec(
            "SLURM",
            "24.05",
            size,
            new ClusterSpec.Networking(List.of("subnet-1"), List.of("sg-1"), "IPV4"),
            new ClusterSpec.SlurmConfig(
                scaleDownSeconds,
                List.of(new CustomSetting("MinJobAge", "300")),
                List.of(),
                List.of(new CustomSetting("ConstrainCores", "yes")),
                "NONE",
                -1,
                "NONE")),
        ResourceStatus.CREATING,
        List.of(),
        List.of(),
        1,
        0,
        0,
        T0,
        T0);
  }

  public static ComputeNodeGroup group(
      String id, String clusterId, String name, int min, int max, String... instanceTypes) {
    return new ComputeNodeGroup(
        id,
        clusterId,
        name,
        new NodeGroupSpec(
            "ami-1",
            List.of("subnet-1"),
            "ONDEMAND",
            null,
            null,
            min,
            max,
            List.of(instanceTypes),
            null,
            List.of(new CustomSetting("Weight", "7"))),
        ResourceStatus.ACTIVE,
        List.of(),
        1,
        1,
        0,
        T0,
        T0);
  }

  public static Queue queue(
      String id, String clusterId, String name, ResourceStatus status, String... groupIds) {
    return new Queue(
        id,
        clusterId,
        name,
        new QueueSpec(List.of(groupIds), List.of(new CustomSetting("MaxTime", "60"))),
        status,
        List.of(),
        1,
        1,
        0,
        T0,
        T0);
  }

  public static InstanceType type(String name, int vcpus, long memoryMiB, int gpus) {
    return new InstanceType(
        name, vcpus, memoryMiB, gpus, gpus > 0 ? "t4" : null, BigDecimal.ONE, BigDecimal.ONE);
  }

  /** A catalog of exactly the given types. */
  public static InstanceTypeCatalog catalog(InstanceType... types) {
    Map<String, InstanceType> byName =
        List.of(types).stream().collect(Collectors.toMap(InstanceType::name, Function.identity()));
    return new InstanceTypeCatalog() {
      @Override
      public Optional<InstanceType> find(String name) {
        return Optional.ofNullable(byName.get(name));
      }

      @Override
      public Collection<InstanceType> all() {
        return byName.values();
      }
    };
  }
}
