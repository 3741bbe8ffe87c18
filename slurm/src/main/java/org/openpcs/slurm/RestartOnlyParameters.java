package org.openpcs.slurm;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * slurm.conf parameters that {@code scontrol reconfigure} does not apply in Slurm 22.05: changing
 * one needs a slurmctld restart (which keeps jobs, lab §5). Restarting when unsure is the safe
 * side: a clean restart costs about 0.2 s and loses nothing, a reconfigure that is silently ignored
 * leaves the cluster in a state nobody asked for.
 */
final class RestartOnlyParameters {
  /**
   * Sources, all for 22.05:
   *
   * <ul>
   *   <li>slurm.conf(5) of 22.05.8 (/usr/share/man/man5/slurm.conf.5.gz) says "A restart of
   *       slurmctld is required" for AccountingStorageEnforce, CredType, GresTypes,
   *       JobContainerType, MaxJobCount, MaxNodeCount, PluginDir, PowerPlugin, ProctrackType,
   *       SchedulerType, SelectType, SelectTypeParameters, SlurmctldHost, SlurmctldParameters
   *       (enable_configless, no_backup_scheduling), SlurmctldPort, SlurmdPort, StateSaveLocation;
   *       "all daemons must be terminated" for AuthType and SwitchType; a slurmd restart for
   *       CoreSpecPlugin.
   *   <li>src/slurmctld/read_config.c (read_slurm_conf): on reconfigure the old AuthType,
   *       BurstBufferType, CredType, JobContainerType, SchedulerType, SelectType, SwitchType and
   *       SelectTypeParameters are put back (ESLURM_INVALID_*_CHANGE), so a new value is ignored.
   *       PreemptType, by contrast, is re-initialised there, so it is reconfigurable.
   *   <li>shared/reference/slurm-lab.md §5 (tested): AuthAltTypes, AuthAltParameters, JobCompType,
   *       JobCompLoc, AccountingStorageType, SlurmdPort, MaxNodeCount and SlurmctldParameters need
   *       a restart.
   *   <li>src/plugins/prep/script/prep_script.c: PrologSlurmctld is looked at only when the plugin
   *       initialises (at start; a reconfigure left a new one unused in the lab).
   *   <li>Conservative additions: ClusterName (checked against the state files at start),
   *       SlurmUser, AuthInfo (the munge socket, bound when the auth plugin initialises) and the
   *       other AccountingStorage connection parameters (the slurmdbd connection is opened at
   *       start).
   * </ul>
   */
  private static final Set<String> KEYS =
      Stream.of(
              // man page
              "AccountingStorageEnforce",
              "AuthType",
              "CoreSpecPlugin",
              "CredType",
              "GresTypes",
              "JobContainerType",
              "MaxJobCount",
              "MaxNodeCount",
              "PluginDir",
              "PowerPlugin",
              "ProctrackType",
              "SchedulerType",
              "SelectType",
              "SelectTypeParameters",
              "SlurmctldHost",
              "SlurmctldParameters",
              "SlurmctldPort",
              "SlurmdPort",
              "StateSaveLocation",
              "SwitchType",
              // read_config.c
              "BurstBufferType",
              // lab
              "AuthAltTypes",
              "AuthAltParameters",
              "JobCompType",
              "JobCompLoc",
              "AccountingStorageType",
              // prep plugin
              "PrologSlurmctld",
              // conservative
              "ClusterName",
              "SlurmUser",
              "AuthInfo",
              "AccountingStorageHost",
              "AccountingStoragePort",
              "AccountingStoragePass",
              "AccountingStorageUser")
          .map(k -> k.toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet());

  private RestartOnlyParameters() {}

  static boolean contains(String key) {
    return KEYS.contains(key.toLowerCase(Locale.ROOT));
  }

  static Set<String> all() {
    return KEYS;
  }
}
