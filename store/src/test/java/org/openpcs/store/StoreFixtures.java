package org.openpcs.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.openpcs.domain.AccessKey;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.IdempotencyRecord;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.Queue;
import org.openpcs.domain.QueueSpec;
import org.openpcs.domain.ResourceStatus;
import org.openpcs.domain.Size;

/**
 * Records with every field set (including nanosecond timestamps and nulls inside specs), so that an
 * equality check after a round trip covers every column. Names and ids are random, so tests can
 * share one database.
 */
public final class StoreFixtures {
  /** Nine fractional digits: a store that cuts to micros or millis fails equality. */
  public static final Instant CREATED = Instant.parse("2025-03-04T05:06:07.123456789Z");

  public static final Instant MODIFIED = Instant.parse("2025-03-04T05:06:08.000000001Z");

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private StoreFixtures() {}

  public static String newId() {
    return "pcs_" + random(10);
  }

  /** A valid PCS name: the prefix, a dash and six random characters. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + random(6);
  }

  public static Cluster cluster(String name) {
    return new Cluster(
        newId(),
        name,
        clusterSpec(Size.SMALL),
        ResourceStatus.CREATING,
        List.of(new ErrorInfo("SlurmctldStartFailed", "openpcs: port in use")),
        List.of(new Endpoint("SLURMCTLD", "10.0.0.5", null, "fd00::5", "6817")),
        1,
        0,
        1,
        CREATED,
        MODIFIED);
  }

  public static ClusterSpec clusterSpec(Size size) {
    return new ClusterSpec(
        "SLURM",
        "24.05",
        size,
        new ClusterSpec.Networking(List.of("subnet-1", "subnet-2"), List.of("sg-1"), "IPV4"),
        new ClusterSpec.SlurmConfig(
            600,
            List.of(new CustomSetting("MaxJobCount", "128")),
            List.of(),
            List.of(new CustomSetting("ConstrainRAMSpace", "yes")),
            "STANDARD",
            -1,
            "NONE"));
  }

  public static ComputeNodeGroup nodeGroup(String clusterId, String name) {
    return new ComputeNodeGroup(
        newId(),
        clusterId,
        name,
        new NodeGroupSpec(
            "ami-0123",
            List.of("subnet-1"),
            "ONDEMAND",
            new NodeGroupSpec.LaunchTemplate("lt-1", "$Latest"),
            "arn:aws:iam::123456789012:instance-profile/pcs",
            0,
            4,
            List.of("c5.large", "m5.large"),
            null,
            List.of(new CustomSetting("Weight", "10"))),
        ResourceStatus.CREATING,
        List.of(),
        1,
        0,
        1,
        CREATED,
        MODIFIED);
  }

  public static Queue queue(String clusterId, String name, List<String> groupIds) {
    return new Queue(
        newId(),
        clusterId,
        name,
        new QueueSpec(groupIds, List.of(new CustomSetting("MaxTime", "60"))),
        ResourceStatus.ACTIVE,
        null,
        1,
        1,
        1,
        CREATED,
        MODIFIED);
  }

  public static IdempotencyRecord idempotency(String token, Instant createdAt) {
    return new IdempotencyRecord(
        token, "CreateCluster", "sha256:abc", "{\"cluster\":{\"name\":\"c1\"}}", createdAt);
  }

  public static AccessKey accessKey(boolean admin, String description) {
    return new AccessKey(
        "OPCS" + random(16).toUpperCase(), "v1:sealed:" + random(24), description, admin, CREATED);
  }

  private static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
