package org.openpcs.domain;

/**
 * Lifecycle states, exactly the model's ClusterStatus/QueueStatus/ComputeNodeGroupStatus values.
 */
public enum ResourceStatus {
  CREATING,
  ACTIVE,
  UPDATING,
  DELETING,
  CREATE_FAILED,
  DELETE_FAILED,
  UPDATE_FAILED,
  SUSPENDING,
  SUSPENDED,
  RESUMING,
  /** Only compute node groups use this value. */
  DELETED
}
