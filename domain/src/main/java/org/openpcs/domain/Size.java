package org.openpcs.domain;

/** Cluster size: fixes Slurm's MaxJobCount and the cap on Σ maxInstanceCount. */
public enum Size {
  SMALL(32, 256),
  MEDIUM(512, 8_192),
  LARGE(2_048, 16_384);

  public final int maxInstances;
  public final int maxJobs;

  Size(int maxInstances, int maxJobs) {
    this.maxInstances = maxInstances;
    this.maxJobs = maxJobs;
  }
}
