package org.openpcs.server.ops;

import java.util.List;
import org.openpcs.api.model.CreateComputeNodeGroupRequest;
import org.openpcs.api.model.InstanceConfig;
import org.openpcs.api.model.SlurmCustomSetting;
import org.openpcs.api.model.UpdateComputeNodeGroupRequest;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.NodeGroupSpec;
import org.openpcs.domain.SettingLevel;

/** Node group requests to a {@link NodeGroupSpec}: defaults and semantic checks. */
final class NodeGroupSpecs {
  static final String DEFAULT_PURCHASE = "ONDEMAND";
  static final String DEFAULT_SPOT_STRATEGY = "price-capacity-optimized";

  private NodeGroupSpecs() {}

  static NodeGroupSpec fromCreate(
      CreateComputeNodeGroupRequest r, ProviderFacts provider, Problems problems) {
    var scaling = r.scalingConfiguration();
    checkScaling(scaling.minInstanceCount(), scaling.maxInstanceCount(), problems);
    List<String> types = r.instanceConfigs().stream().map(InstanceConfig::instanceType).toList();
    if (types.isEmpty()) {
      problems.add("instanceConfigs", "List at least one instance type.");
    }
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i) == null) {
        problems.add("instanceConfigs[" + i + "].instanceType", "Member must not be null");
      } else if (types.indexOf(types.get(i)) != i) {
        problems.add(
            "instanceConfigs[" + i + "].instanceType",
            "Instance type " + types.get(i) + " is listed twice.");
      }
    }
    checkInstanceTypes(types, provider, problems);
    checkLaunchTemplate(
        r.customLaunchTemplate().id(), r.customLaunchTemplate().version(), provider, problems);
    checkImage(r.amiId(), provider, problems);
    String purchase = Settings.orElse(r.purchaseOption(), DEFAULT_PURCHASE);
    return new NodeGroupSpec(
        r.amiId(),
        r.subnetIds(),
        purchase,
        new NodeGroupSpec.LaunchTemplate(
            r.customLaunchTemplate().id(), r.customLaunchTemplate().version()),
        r.iamInstanceProfileArn(),
        scaling.minInstanceCount(),
        scaling.maxInstanceCount(),
        types,
        spotStrategy(
            r.spotOptions() == null ? null : r.spotOptions().allocationStrategy(), purchase),
        ClusterSpecs.orEmpty(
            settings(
                r.slurmConfiguration() == null
                    ? null
                    : r.slurmConfiguration().slurmCustomSettings(),
                problems)));
  }

  static NodeGroupSpec applyUpdate(
      NodeGroupSpec old,
      UpdateComputeNodeGroupRequest r,
      ProviderFacts provider,
      Problems problems) {
    if (r.customLaunchTemplate() != null) {
      checkLaunchTemplate(
          r.customLaunchTemplate().id(), r.customLaunchTemplate().version(), provider, problems);
    }
    checkImage(r.amiId(), provider, problems);
    int min = old.minInstanceCount();
    int max = old.maxInstanceCount();
    if (r.scalingConfiguration() != null) {
      min = r.scalingConfiguration().minInstanceCount();
      max = r.scalingConfiguration().maxInstanceCount();
      checkScaling(min, max, problems);
    }
    String purchase = Settings.orElse(r.purchaseOption(), old.purchaseOption());
    String strategy =
        r.spotOptions() != null && r.spotOptions().allocationStrategy() != null
            ? r.spotOptions().allocationStrategy()
            : old.spotAllocationStrategy();
    var lt = r.customLaunchTemplate();
    return new NodeGroupSpec(
        Settings.orElse(r.amiId(), old.amiId()),
        Settings.orElse(r.subnetIds(), old.subnetIds()),
        purchase,
        lt == null
            ? old.customLaunchTemplate()
            : new NodeGroupSpec.LaunchTemplate(lt.id(), lt.version()),
        Settings.orElse(r.iamInstanceProfileArn(), old.iamInstanceProfileArn()),
        min,
        max,
        old.instanceTypes(),
        spotStrategy(strategy, purchase),
        Settings.orElse(
            settings(
                r.slurmConfiguration() == null
                    ? null
                    : r.slurmConfiguration().slurmCustomSettings(),
                problems),
            old.slurmCustomSettings()));
  }

  /**
   * Every type must be known, and all types of a group must have the same vCPUs: Slurm declares
   * each node once, so a fallback type may not be smaller than the node it backs.
   */
  private static void checkInstanceTypes(
      List<String> types, ProviderFacts provider, Problems problems) {
    Integer first = null;
    for (int i = 0; i < types.size(); i++) {
      String t = types.get(i);
      if (t == null) {
        continue;
      }
      var vcpus = provider.vcpus(t);
      String field = "instanceConfigs[" + i + "].instanceType";
      if (vcpus.isEmpty()) {
        problems.add(
            field,
            "Unknown instance type "
                + t
                + "; known types: "
                + String.join(", ", new java.util.TreeSet<>(provider.instanceTypes()))
                + ".");
      } else if (first == null) {
        first = vcpus.get();
      } else if (!first.equals(vcpus.get())) {
        problems.add(
            field,
            t
                + " has "
                + vcpus.get()
                + " vCPUs but "
                + types.get(0)
                + " has "
                + first
                + "; all instance types of a group must have the same vCPUs.");
      }
    }
  }

  private static void checkLaunchTemplate(
      String id, String version, ProviderFacts provider, Problems problems) {
    var templates = provider.launchTemplates();
    if (!templates.containsKey(id)) {
      problems.add(
          "customLaunchTemplate.id",
          "Unknown launch template "
              + id
              + "; registered templates: "
              + String.join(", ", new java.util.TreeSet<>(templates.keySet()))
              + ".");
    } else if (!templates.get(id).contains(version)) {
      problems.add(
          "customLaunchTemplate.version",
          "Launch template "
              + id
              + " has no version "
              + version
              + "; versions: "
              + String.join(", ", templates.get(id))
              + ".");
    }
  }

  private static void checkImage(String amiId, ProviderFacts provider, Problems problems) {
    if (amiId != null && !provider.images().contains(amiId)) {
      problems.add(
          "amiId",
          "Unknown node image "
              + amiId
              + "; registered images: "
              + String.join(", ", provider.images())
              + ".");
    }
  }

  private static void checkScaling(int min, int max, Problems problems) {
    if (min > max) {
      problems.add(
          "scalingConfiguration.minInstanceCount",
          "minInstanceCount (" + min + ") may not exceed maxInstanceCount (" + max + ").");
    }
  }

  /** Spot groups always show their allocation strategy (PCS default price-capacity-optimized). */
  private static String spotStrategy(String given, String purchase) {
    if (given != null) {
      return given;
    }
    return "SPOT".equals(purchase) ? DEFAULT_SPOT_STRATEGY : null;
  }

  private static List<CustomSetting> settings(List<SlurmCustomSetting> l, Problems p) {
    return Settings.convert(
        l,
        SlurmCustomSetting::parameterName,
        SlurmCustomSetting::parameterValue,
        SettingLevel.NODE_LINE,
        "slurmConfiguration.slurmCustomSettings",
        p);
  }
}
