package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LifecycleTest {
  private static final Set<ResourceStatus> DELETING =
      EnumSet.of(ResourceStatus.DELETING, ResourceStatus.DELETED);

  private static Cluster clusterIn(ResourceStatus status) {
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    return new Cluster("pcs_aaaaaaaaaa", "c1", null, status, List.of(), List.of(), 1, 1, 1, t, t);
  }

  @Test
  void clustersCanBeUpdatedWhenSettledOrAfterAFailedUpdate() {
    assertThat(Lifecycle.CLUSTER_UPDATABLE)
        .containsExactlyInAnyOrder(
            ResourceStatus.ACTIVE, ResourceStatus.UPDATE_FAILED, ResourceStatus.SUSPENDED);
  }

  @Test
  void childrenCanBeUpdatedOnlyWhenActiveOrAfterAFailedUpdate() {
    assertThat(Lifecycle.CHILD_UPDATABLE)
        .containsExactlyInAnyOrder(ResourceStatus.ACTIVE, ResourceStatus.UPDATE_FAILED);
  }

  @ParameterizedTest
  @EnumSource(ResourceStatus.class)
  void nothingTransitionalOrBeingDeletedIsUpdatable(ResourceStatus status) {
    boolean transitional =
        EnumSet.of(
                ResourceStatus.CREATING,
                ResourceStatus.UPDATING,
                ResourceStatus.DELETING,
                ResourceStatus.SUSPENDING,
                ResourceStatus.RESUMING,
                ResourceStatus.DELETED,
                ResourceStatus.CREATE_FAILED,
                ResourceStatus.DELETE_FAILED)
            .contains(status);
    if (transitional) {
      assertThat(Lifecycle.CLUSTER_UPDATABLE).doesNotContain(status);
      assertThat(Lifecycle.CHILD_UPDATABLE).doesNotContain(status);
    }
  }

  @ParameterizedTest
  @EnumSource(ResourceStatus.class)
  void onlyARunningClusterAcceptsChildren(ResourceStatus status) {
    boolean expected = status == ResourceStatus.ACTIVE || status == ResourceStatus.UPDATING;

    assertThat(Lifecycle.acceptsChildren(clusterIn(status))).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(ResourceStatus.class)
  void aDeleteIsANoOpOnlyWhileDeletingOrDeleted(ResourceStatus status) {
    assertThat(Lifecycle.alreadyDeleting(status)).isEqualTo(DELETING.contains(status));
  }

  @Test
  void allActiveMeansEveryOneActive() {
    assertThat(Lifecycle.allActive(List.of())).isTrue();
    assertThat(Lifecycle.allActive(List.of(ResourceStatus.ACTIVE, ResourceStatus.ACTIVE))).isTrue();
    for (ResourceStatus other : ResourceStatus.values()) {
      if (other != ResourceStatus.ACTIVE) {
        assertThat(Lifecycle.allActive(List.of(ResourceStatus.ACTIVE, other)))
            .as("ACTIVE + %s", other)
            .isFalse();
      }
    }
  }

  @Test
  void theRuleSetsCannotBeChangedByCallers() {
    // No-op changes, so that running this against the bug does not change the rules for the
    // other tests: an unmodifiable set refuses even those.
    assertThatThrownBy(() -> Lifecycle.CLUSTER_UPDATABLE.add(ResourceStatus.ACTIVE))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Lifecycle.CHILD_UPDATABLE.remove(ResourceStatus.DELETED))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
