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

  static NodeGroupSpec fromCreate(CreateComputeNodeGroupRequest r, Problems problems) {
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
        problems.add("instanceConfigs[" + i + "].instanceType", "Instance type " + types.get(i) + " is listed twice.");
      }
    }
    String purchase = Settings.orElse(r.purchaseOption(), DEFAULT_PURCHASE);
    return new NodeGroupSpec(
        r.amiId(),
        r.subnetIds(),
        purchase,
        new NodeGroupSpec.LaunchTemplate(r.customLaunchTemplate().id(), r.customLaunchTemplate().version()),
        r.iamInstanceProfileArn(),
        scaling.minInstanceCount(),
        scaling.maxInstanceCount(),
        types,
        spotStrategy(r.spotOptions() == null ? null : r.spotOptions().allocationStrategy(), purchase),
        ClusterSpecs.orEmpty(settings(r.slurmConfiguration() == null ? null : r.slurmConfiguration().slurmCustomSettings(), problems)));
  }

  static NodeGroupSpec applyUpdate(NodeGroupSpec old, UpdateComputeNodeGroupRequest r, Problems problems) {
    int min = old.minInstanceCount();
    int max = old.maxInstanceCount();
    if (r.scalingConfiguration() != null) {
      min = r.scalingConfiguration().minInstanceCount();
      max = r.scalingConfiguration().maxInstanceCount();
      checkScaling(min, max, problems);
    }
    String purchase = Settings.orElse(r.purchaseOption(), old.purchaseOption());
    String strategy = r.spotOptions() != null && r.spotOptions().allocationStrategy() != null ? r.spotOptions().allocationStrategy() : old.spotAllocationStrategy();
    var lt = r.customLaunchTemplate();
    return new NodeGroupSpec(
        Settings.orElse(r.amiId(), old.amiId()),
        Settings.orElse(r.subnetIds(), old.subnetIds()),
        purchase,
        lt == null ? old.customLaunchTemplate() : new NodeGroupSpec.LaunchTemplate(lt.id(), lt.version()),
        Settings.orElse(r.iamInstanceProfileArn(), old.iamInstanceProfileArn()),
        min,
        max,
        old.instanceTypes(),
        spotStrategy(strategy, purchase),
        Settings.orElse(settings(r.slurmConfiguration() == null ? null : r.slurmConfiguration().slurmCustomSettings(), problems), old.slurmCustomSettings()));
  }

  private static void checkScaling(int min, int max, Problems problems) {
    if (min > max) {
      problems.add("scalingConfiguration.minInstanceCount", "minInstanceCount (" + min + ") may not exceed maxInstanceCount (" + max + ").");
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
    return Settings.convert(l, SlurmCustomSetting::parameterName, SlurmCustomSetting::parameterValue, SettingLevel.NODE_LINE, "slurmConfiguration.slurmCustomSettings", p);
  }
}
