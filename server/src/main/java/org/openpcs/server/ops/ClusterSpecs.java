package org.openpcs.server.ops;

import java.util.List;
import java.util.SortedSet;
import org.openpcs.api.model.CgroupCustomSetting;
import org.openpcs.api.model.CreateClusterRequest;
import org.openpcs.api.model.SlurmCustomSetting;
import org.openpcs.api.model.SlurmdbdCustomSetting;
import org.openpcs.api.model.UpdateClusterSlurmConfigurationRequest;
import org.openpcs.domain.ClusterSpec;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.SettingLevel;
import org.openpcs.domain.Size;

/**
 * CreateCluster/UpdateCluster requests to a {@link ClusterSpec}: PCS defaults and semantic checks.
 */
final class ClusterSpecs {
  static final int DEFAULT_IDLE_SECONDS = 600;
  static final String NONE = "NONE";

  /** A neutral spec to check an update's settings against when the stored one is not at hand. */
  static final ClusterSpec EMPTY =
      new ClusterSpec(
          "SLURM",
          "",
          Size.SMALL,
          new ClusterSpec.Networking(List.of(), List.of(), "IPV4"),
          new ClusterSpec.SlurmConfig(
              DEFAULT_IDLE_SECONDS, List.of(), List.of(), List.of(), NONE, -1, NONE));

  private ClusterSpecs() {}

  static ClusterSpec fromCreate(
      CreateClusterRequest r, SortedSet<String> versions, Problems problems) {
    String version = r.scheduler().version();
    if (!versions.contains(version)) {
      problems.add(
          "scheduler.version",
          versions.isEmpty()
              ? "No Slurm installation was found on this server; install Slurm (e.g. apt-get install slurmctld slurmd slurm-client munge) and restart it."
              : "Slurm "
                  + version
                  + " is not available here; available versions: "
                  + String.join(", ", versions)
                  + ".");
    }
    var net = r.networking();
    if (net.subnetIds() != null && net.subnetIds().size() > 1) {
      problems.add("networking.subnetIds", "Only one subnet is supported for a cluster.");
    }
    var slurm = r.slurmConfiguration();
    var accounting = slurm == null ? null : slurm.accounting();
    ClusterSpec.SlurmConfig config =
        new ClusterSpec.SlurmConfig(
            slurm == null || slurm.scaleDownIdleTimeInSeconds() == null
                ? DEFAULT_IDLE_SECONDS
                : slurm.scaleDownIdleTimeInSeconds(),
            orEmpty(
                slurm == null
                    ? null
                    : slurmSettings(
                        slurm.slurmCustomSettings(),
                        "slurmConfiguration.slurmCustomSettings",
                        problems)),
            orEmpty(
                slurm == null
                    ? null
                    : dbdSettings(
                        slurm.slurmdbdCustomSettings(),
                        "slurmConfiguration.slurmdbdCustomSettings",
                        problems)),
            orEmpty(
                slurm == null
                    ? null
                    : cgroupSettings(
                        slurm.cgroupCustomSettings(),
                        "slurmConfiguration.cgroupCustomSettings",
                        problems)),
            accounting == null ? NONE : accounting.mode(),
            purgeDays(
                accounting == null ? null : accounting.defaultPurgeTimeInDays(), -1, problems),
            slurm == null || slurm.slurmRest() == null ? NONE : slurm.slurmRest().mode());
    return new ClusterSpec(
        r.scheduler().type(),
        version,
        Size.valueOf(r.size()),
        new ClusterSpec.Networking(
            orEmpty(net.subnetIds()),
            orEmpty(net.securityGroupIds()),
            Settings.orElse(net.networkType(), "IPV4")),
        config);
  }

  /** Only members present in the update change; a list that is present replaces the old list. */
  static ClusterSpec applyUpdate(
      ClusterSpec old, UpdateClusterSlurmConfigurationRequest u, Problems problems) {
    if (u == null) {
      return old;
    }
    var s = old.slurm();
    var accounting = u.accounting();
    ClusterSpec.SlurmConfig config =
        new ClusterSpec.SlurmConfig(
            Settings.orElse(u.scaleDownIdleTimeInSeconds(), s.scaleDownIdleTimeInSeconds()),
            Settings.orElse(
                slurmSettings(
                    u.slurmCustomSettings(), "slurmConfiguration.slurmCustomSettings", problems),
                s.slurmCustomSettings()),
            Settings.orElse(
                dbdSettings(
                    u.slurmdbdCustomSettings(),
                    "slurmConfiguration.slurmdbdCustomSettings",
                    problems),
                s.slurmdbdCustomSettings()),
            Settings.orElse(
                cgroupSettings(
                    u.cgroupCustomSettings(), "slurmConfiguration.cgroupCustomSettings", problems),
                s.cgroupCustomSettings()),
            accounting == null || accounting.mode() == null
                ? s.accountingMode()
                : accounting.mode(),
            purgeDays(
                accounting == null ? null : accounting.defaultPurgeTimeInDays(),
                s.defaultPurgeTimeInDays(),
                problems),
            u.slurmRest() == null || u.slurmRest().mode() == null
                ? s.slurmRestMode()
                : u.slurmRest().mode());
    return new ClusterSpec(
        old.schedulerType(), old.schedulerVersion(), old.size(), old.networking(), config);
  }

  private static int purgeDays(Integer days, int fallback, Problems problems) {
    if (days == null) {
      return fallback;
    }
    if (days == 0) {
      problems.add(
          "slurmConfiguration.accounting.defaultPurgeTimeInDays",
          "0 is not allowed; use -1 to keep records forever or a number of days.");
    }
    return days;
  }

  private static List<CustomSetting> slurmSettings(
      List<SlurmCustomSetting> l, String path, Problems p) {
    return Settings.convert(
        l,
        SlurmCustomSetting::parameterName,
        SlurmCustomSetting::parameterValue,
        SettingLevel.SLURM_CONF,
        path,
        p);
  }

  private static List<CustomSetting> dbdSettings(
      List<SlurmdbdCustomSetting> l, String path, Problems p) {
    return Settings.convert(
        l,
        SlurmdbdCustomSetting::parameterName,
        SlurmdbdCustomSetting::parameterValue,
        SettingLevel.SLURMDBD_CONF,
        path,
        p);
  }

  private static List<CustomSetting> cgroupSettings(
      List<CgroupCustomSetting> l, String path, Problems p) {
    return Settings.convert(
        l,
        CgroupCustomSetting::parameterName,
        CgroupCustomSetting::parameterValue,
        SettingLevel.CGROUP_CONF,
        path,
        p);
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
