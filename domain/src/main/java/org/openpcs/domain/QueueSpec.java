package org.openpcs.domain;

import java.util.List;

/** What the user asked for a queue: the node groups that feed it (by id) and partition options. */
public record QueueSpec(
    List<String> computeNodeGroupIds, List<CustomSetting> slurmCustomSettings) {}
