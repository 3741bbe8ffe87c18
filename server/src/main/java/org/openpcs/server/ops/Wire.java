package org.openpcs.server.ops;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiFunction;
import org.openpcs.api.model.Accounting;
import org.openpcs.api.model.CgroupCustomSetting;
import org.openpcs.api.model.ClusterSlurmConfiguration;
import org.openpcs.api.model.ClusterSummary;
import org.openpcs.api.model.ComputeNodeGroupConfiguration;
import org.openpcs.api.model.ComputeNodeGroupSlurmConfiguration;
import org.openpcs.api.model.ComputeNodeGroupSummary;
import org.openpcs.api.model.CustomLaunchTemplate;
import org.openpcs.api.model.InstanceConfig;
import org.openpcs.api.model.Networking;
import org.openpcs.api.model.QueueSlurmConfiguration;
import org.openpcs.api.model.QueueSummary;
import org.openpcs.api.model.ScalingConfiguration;
import org.openpcs.api.model.Scheduler;
import org.openpcs.api.model.SlurmCustomSetting;
import org.openpcs.api.model.SlurmRest;
import org.openpcs.api.model.SlurmdbdCustomSetting;
import org.openpcs.api.model.SpotOptions;
import org.openpcs.domain.Arns;
import org.openpcs.domain.Cluster;
import org.openpcs.domain.ComputeNodeGroup;
import org.openpcs.domain.CustomSetting;
import org.openpcs.domain.Endpoint;
import org.openpcs.domain.ErrorInfo;
import org.openpcs.domain.Queue;

/** Domain records to wire records. The only place that knows both vocabularies. */
public final class Wire {
  private Wire() {}

  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  public static org.openpcs.api.model.Cluster cluster(Cluster c, Arns arns) {
    var s = c.spec();
    var slurm = s.slurm();
    return new org.openpcs.api.model.Cluster(
        c.name(),
        c.id(),
        arns.cluster(c.id()),
        c.status().name(),
        timestamp(c.createdAt()),
        timestamp(c.modifiedAt()),
        new Scheduler(s.schedulerType(), s.schedulerVersion()),
        s.size().name(),
        new ClusterSlurmConfiguration(
            slurm.scaleDownIdleTimeInSeconds(),
            settings(slurm.slurmCustomSettings(), SlurmCustomSetting::new),
            settings(slurm.slurmdbdCustomSettings(), SlurmdbdCustomSetting::new),
            settings(slurm.cgroupCustomSettings(), CgroupCustomSetting::new),
            null,
            null,
            new Accounting(slurm.defaultPurgeTimeInDays(), slurm.accountingMode()),
            new SlurmRest(slurm.slurmRestMode())),
        new Networking(
            s.networking().subnetIds(),
            s.networking().securityGroupIds(),
            s.networking().networkType()),
        endpoints(c.endpoints()),
        errors(c.errorInfo()));
  }

  public static ClusterSummary clusterSummary(Cluster c, Arns arns) {
    return new ClusterSummary(
        c.name(),
        c.id(),
        arns.cluster(c.id()),
        timestamp(c.createdAt()),
        timestamp(c.modifiedAt()),
        c.status().name());
  }

  public static org.openpcs.api.model.ComputeNodeGroup nodeGroup(ComputeNodeGroup g, Arns arns) {
    var s = g.spec();
    return new org.openpcs.api.model.ComputeNodeGroup(
        g.name(),
        g.id(),
        arns.nodeGroup(g.clusterId(), g.id()),
        g.clusterId(),
        timestamp(g.createdAt()),
        timestamp(g.modifiedAt()),
        g.status().name(),
        s.amiId(),
        s.subnetIds(),
        s.purchaseOption(),
        new CustomLaunchTemplate(s.customLaunchTemplate().id(), s.customLaunchTemplate().version()),
        s.iamInstanceProfileArn(),
        new ScalingConfiguration(s.minInstanceCount(), s.maxInstanceCount()),
        s.instanceTypes().stream().map(InstanceConfig::new).toList(),
        s.spotAllocationStrategy() == null ? null : new SpotOptions(s.spotAllocationStrategy()),
        new ComputeNodeGroupSlurmConfiguration(
            settings(s.slurmCustomSettings(), SlurmCustomSetting::new)),
        errors(g.errorInfo()));
  }

  public static ComputeNodeGroupSummary nodeGroupSummary(ComputeNodeGroup g, Arns arns) {
    return new ComputeNodeGroupSummary(
        g.name(),
        g.id(),
        arns.nodeGroup(g.clusterId(), g.id()),
        g.clusterId(),
        timestamp(g.createdAt()),
        timestamp(g.modifiedAt()),
        g.status().name());
  }

  public static org.openpcs.api.model.Queue queue(Queue q, Arns arns) {
    return new org.openpcs.api.model.Queue(
        q.name(),
        q.id(),
        arns.queue(q.clusterId(), q.id()),
        q.clusterId(),
        timestamp(q.createdAt()),
        timestamp(q.modifiedAt()),
        q.status().name(),
        q.spec().computeNodeGroupIds().stream().map(ComputeNodeGroupConfiguration::new).toList(),
        new QueueSlurmConfiguration(
            settings(q.spec().slurmCustomSettings(), SlurmCustomSetting::new)),
        errors(q.errorInfo()));
  }

  public static QueueSummary queueSummary(Queue q, Arns arns) {
    return new QueueSummary(
        q.name(),
        q.id(),
        arns.queue(q.clusterId(), q.id()),
        q.clusterId(),
        timestamp(q.createdAt()),
        timestamp(q.modifiedAt()),
        q.status().name());
  }

  public static List<org.openpcs.api.model.Endpoint> endpoints(List<Endpoint> endpoints) {
    if (endpoints == null || endpoints.isEmpty()) {
      return null;
    }
    return endpoints.stream()
        .map(
            e ->
                new org.openpcs.api.model.Endpoint(
                    e.type(), e.privateIpAddress(), e.publicIpAddress(), e.ipv6Address(), e.port()))
        .toList();
  }

  static List<org.openpcs.api.model.ErrorInfo> errors(List<ErrorInfo> errors) {
    return errors == null
        ? List.of()
        : errors.stream()
            .map(e -> new org.openpcs.api.model.ErrorInfo(e.code(), e.message()))
            .toList();
  }

  static <W> List<W> settings(List<CustomSetting> settings, BiFunction<String, String, W> make) {
    return settings == null
        ? List.of()
        : settings.stream().map(s -> make.apply(s.parameterName(), s.parameterValue())).toList();
  }
}
