package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArnsTest {
  private static final String CLUSTER = "pcs_abc123xyz0";
  private static final String CHILD = "pcs_0zyx321cba";
  private final Arns arns = new Arns("aws", "us-east-1", "123456789012");

  @Test
  void buildsTheThreeForms() {
    assertThat(arns.cluster(CLUSTER))
        .isEqualTo("arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0");
    assertThat(arns.nodeGroup(CLUSTER, CHILD))
        .isEqualTo(
            "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/computenodegroup/pcs_0zyx321cba");
    assertThat(arns.queue(CLUSTER, CHILD))
        .isEqualTo(
            "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/queue/pcs_0zyx321cba");
  }

  @Test
  void parsesWhatItBuilds() {
    assertThat(arns.parse(arns.cluster(CLUSTER)))
        .contains(new Arns.Parsed(ResourceKind.CLUSTER, CLUSTER, null));
    assertThat(arns.parse(arns.nodeGroup(CLUSTER, CHILD)))
        .contains(new Arns.Parsed(ResourceKind.COMPUTE_NODE_GROUP, CLUSTER, CHILD));
    assertThat(arns.parse(arns.queue(CLUSTER, CHILD)))
        .contains(new Arns.Parsed(ResourceKind.QUEUE, CLUSTER, CHILD));
  }

  @Test
  void resourceIdIsTheChildForChildrenAndTheClusterOtherwise() {
    assertThat(arns.parse(arns.cluster(CLUSTER)).orElseThrow().resourceId()).isEqualTo(CLUSTER);
    assertThat(arns.parse(arns.queue(CLUSTER, CHILD)).orElseThrow().resourceId()).isEqualTo(CHILD);
    assertThat(arns.parse(arns.nodeGroup(CLUSTER, CHILD)).orElseThrow().resourceId())
        .isEqualTo(CHILD);
  }

  @Test
  void theKindMatchesTheArnTypeSegment() {
    for (ResourceKind kind : ResourceKind.values()) {
      String arn =
          switch (kind) {
            case CLUSTER -> arns.cluster(CLUSTER);
            case COMPUTE_NODE_GROUP -> arns.nodeGroup(CLUSTER, CHILD);
            case QUEUE -> arns.queue(CLUSTER, CHILD);
          };
      assertThat(arn).matches(".*[:/]" + kind.arnType + "/pcs_\\w+$");
      assertThat(arns.parse(arn).map(Arns.Parsed::kind)).contains(kind);
    }
  }

  @Test
  void anotherRegionAccountOrPartitionIsNotOurs() {
    Arns otherRegion = new Arns("aws", "eu-west-1", "123456789012");
    Arns otherAccount = new Arns("aws", "us-east-1", "210987654321");
    Arns otherPartition = new Arns("aws-cn", "us-east-1", "123456789012");

    for (Arns other : new Arns[] {otherRegion, otherAccount, otherPartition}) {
      assertThat(arns.parse(other.cluster(CLUSTER))).isEmpty();
      assertThat(arns.parse(other.queue(CLUSTER, CHILD))).isEmpty();
      assertThat(arns.parse(other.nodeGroup(CLUSTER, CHILD))).isEmpty();
      assertThat(other.parse(other.queue(CLUSTER, CHILD))).isPresent();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "pcs_abc123xyz0",
        "arn:aws:pcs:us-east-1:123456789012",
        "arn:aws:pcs:us-east-1:123456789012:cluster/",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/queue",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/queue/",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/nodegroup/pcs_0zyx321cba",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0/queue/pcs_0zyx321cba/queue/x",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs-abc",
        "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0\n",
        "arn:aws:pcs:us-east-1:123456789012:queue/pcs_abc123xyz0",
        "arn:aws:ec2:us-east-1:123456789012:cluster/pcs_abc123xyz0",
        "arn:aws:pcs:us-east-1:12345678901:cluster/pcs_abc123xyz0",
        "arn:aws:pcs:us-east-1:1234567890123:cluster/pcs_abc123xyz0",
        "ARN:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0",
        " arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abc123xyz0",
        "arn:aws:pcs:us-east-1:123456789012:Cluster/pcs_abc123xyz0"
      })
  void malformedArnsAreEmpty(String arn) {
    assertThat(arns.parse(arn)).isEmpty();
  }

  @Property(tries = 300)
  void roundTripForAnyIds(
      @ForAll @StringLength(min = 1, max = 20) @CharRange(from = 'a', to = 'z') @NumericChars
          String clusterId,
      @ForAll @StringLength(min = 1, max = 20) @CharRange(from = 'a', to = 'z') @NumericChars
          String childId) {
    assertThat(arns.parse(arns.cluster(clusterId)))
        .isEqualTo(Optional.of(new Arns.Parsed(ResourceKind.CLUSTER, clusterId, null)));
    assertThat(arns.parse(arns.nodeGroup(clusterId, childId)))
        .isEqualTo(
            Optional.of(new Arns.Parsed(ResourceKind.COMPUTE_NODE_GROUP, clusterId, childId)));
    assertThat(arns.parse(arns.queue(clusterId, childId)))
        .isEqualTo(Optional.of(new Arns.Parsed(ResourceKind.QUEUE, clusterId, childId)));
  }
}
