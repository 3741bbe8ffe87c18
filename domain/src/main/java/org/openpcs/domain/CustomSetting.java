package org.openpcs.domain;

/** One Slurm parameter set by the user; checked against an allowlist before it is stored. */
public record CustomSetting(String parameterName, String parameterValue) {}
