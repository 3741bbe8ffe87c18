package org.openpcs.server.metrics;

import java.util.List;
import java.util.function.Function;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.JobStatus;
import org.openpcs.slurm.NodeStatus;
import org.openpcs.slurm.Scontrol;
import org.openpcs.slurm.SlurmInstallation;

/** What the collector reads from one cluster's slurmctld; both calls may throw. */
public interface SlurmReader {
  List<NodeStatus> nodes(String clusterId);

  List<JobStatus> jobs(String clusterId);

  /** {@code sinfo --json} and {@code squeue --json} of the cluster's own configuration. */
  static SlurmReader of(SlurmInstallation slurm, Function<String, ClusterPaths> paths) {
    return new SlurmReader() {
      @Override
      public List<NodeStatus> nodes(String clusterId) {
        return new Scontrol(slurm, paths.apply(clusterId)).nodes();
      }

      @Override
      public List<JobStatus> jobs(String clusterId) {
        return new Scontrol(slurm, paths.apply(clusterId)).jobs();
      }
    };
  }
}
