package org.openpcs.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpcs.control.slurm.PoweredUpJobStarter;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.SlurmInstallation;

/**
 * Stands in for the proposed server hook while it is not wired in: when a node's ACTIVE step (the
 * agent reported slurmd up) appears in the scaling log, call {@link PoweredUpJobStarter} for the
 * cluster, every 100 ms until it started a job or 5 s passed (slurmctld may hear from slurmd a
 * moment after the agent does). The hook in the server would make the same call at the same moment.
 */
final class ActiveHook implements AutoCloseable {
  private final Thread thread;
  final AtomicInteger started = new AtomicInteger();

  ActiveHook(OpenPcsLab lab, String clusterId) {
    PoweredUpJobStarter starter =
        new PoweredUpJobStarter(
            SlurmInstallation.detect()
                .orElseThrow(() -> new IllegalStateException("Slurm is not installed")));
    ClusterPaths paths = new ClusterPaths(lab.clusterDir(clusterId));
    thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  int seen = 0;
                  while (!Thread.currentThread().isInterrupted()) {
                    List<ScalingLogIntervals.Step> steps = lab.scalingSteps(clusterId);
                    long active = steps.stream().filter(s -> "ACTIVE".equals(s.state())).count();
                    if (active > seen) {
                      seen = (int) active;
                      long until = System.nanoTime() + 5_000_000_000L;
                      while (System.nanoTime() < until) {
                        int n = starter.startReady(paths).size();
                        if (n > 0) {
                          started.addAndGet(n);
                          break;
                        }
                        if (!pause(100)) {
                          return;
                        }
                      }
                    }
                    if (!pause(50)) {
                      return;
                    }
                  }
                });
  }

  private static boolean pause(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
