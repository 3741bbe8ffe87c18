package org.openpcs.server.ops;

import java.util.SortedSet;

/** The Slurm versions (major.minor, e.g. {@code 22.05}) a new cluster may ask for. */
@FunctionalInterface
public interface SchedulerVersions {
  SortedSet<String> available();
}
