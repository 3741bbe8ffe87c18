package org.openpcs.server;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.openpcs.slurm.SlurmInstallation;

/**
 * The scheduler versions this server offers: the one of the Slurm installed on this host (asked
 * once, through {@link SlurmInstallation}) plus the extra ones configured.
 */
public final class SlurmVersions {
  private SlurmVersions() {}

  /** Major.minor versions found, plus the extra ones configured. */
  public static SortedSet<String> detect(List<String> extra) {
    SortedSet<String> versions = new TreeSet<>(extra);
    SlurmInstallation.detect().map(SlurmInstallation::version).ifPresent(versions::add);
    return versions;
  }
}
