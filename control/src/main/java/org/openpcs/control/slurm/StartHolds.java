package org.openpcs.control.slurm;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.Hostlist;
import org.openpcs.slurm.Scontrol;
import org.openpcs.slurm.SlurmInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a job's powered-up nodes for it while {@link PoweredUpJobStarter} requeues and releases it
 * (D52, D53). Slurm finishes the requeue when the nodes' epilogs are done, frees the nodes and runs
 * its scheduler at once, while the job itself waits for its begin time until the release a second
 * later: any other pending job that fits took the nodes booted for this one, and this one waited
 * for that job to end (seen in a replay: an 8-node job waited 153 s instead of 32 s behind a later
 * 8-node job of 111 s). So the nodes go into a reservation named {@code openpcs-hold-<job>} before
 * the requeue, and it is deleted once the requeue is through, just before the release: Slurm kept
 * the requeued job's priority (checked on 22.05), so the release's scheduling pass puts the job on
 * them. Every start is held, not only when another job waits: a job submitted during the requeue
 * took the nodes too.
 *
 * <p>A reservation rather than a drain: 22.05 marks an undrained node NOT_RESPONDING until its next
 * ping, which a scheduling pass skips, so every kept start paid for that ping and the next tick
 * (2–3 s); a reservation touches no node state and its deletion costs nothing. It is for root only
 * and nobody asks for it, so no job runs in it. It also ends by itself after {@link #LASTS_MINUTES}
 * (Slurm's resolution is a minute), so a hold left by a server that died can block its nodes for no
 * longer than that; the next server removes such leftovers at its first look ({@link #sweep}).
 */
public final class StartHolds {
  private static final Logger log = LoggerFactory.getLogger(StartHolds.class);
  static final String NAME_PREFIX = "openpcs-hold-";
  private static final Pattern HOLD = Pattern.compile(NAME_PREFIX + "[0-9]+");

  /**
   * How long a hold lasts unless deleted: beyond {@link PoweredUpJobStarter#RELEASE_WITHIN}, after
   * which the release thread gives it back anyway.
   */
  static final int LASTS_MINUTES = 2;

  /** Cluster directory + "/" + reservation name, for every hold this server has in place. */
  private final Set<String> inPlace = ConcurrentHashMap.newKeySet();

  static String name(long job) {
    return NAME_PREFIX + job;
  }

  /**
   * Reserves the nodes for the job. Returns false (and keeps nothing) when slurmctld refused: the
   * job is then started without the hold, as before it existed.
   */
  boolean keep(SlurmInstallation slurm, ClusterPaths paths, long job, List<String> nodes) {
    String name = name(job);
    inPlace.add(key(paths.root(), name)); // before it exists, so that no sweep removes it
    try {
      new Scontrol(slurm, paths)
          .createReservation(name, Hostlist.compress(nodes), LASTS_MINUTES, "root");
      return true;
    } catch (RuntimeException e) {
      log.debug("job {}: could not keep {}: {}", job, nodes, e.getMessage());
      inPlace.remove(key(paths.root(), name));
      return false;
    }
  }

  /** Deletes the job's hold; its nodes are free for the next scheduling pass. */
  void giveBack(SlurmInstallation slurm, ClusterPaths paths, long job) {
    String name = name(job);
    try {
      if (!new Scontrol(slurm, paths).deleteReservation(name)) {
        log.warn("job {}: could not delete reservation {}; it ends by itself", job, name);
      }
    } finally {
      inPlace.remove(key(paths.root(), name));
    }
  }

  /**
   * Deletes the holds of the cluster that this server did not put in place: left by a server that
   * died during a start. Never throws; a failed read is tried again at the next sweep.
   */
  void sweep(SlurmInstallation slurm, ClusterPaths paths) {
    try {
      var scontrol = new Scontrol(slurm, paths);
      for (String name : leftovers(scontrol.reservationNames(), n -> inPlace(paths.root(), n))) {
        if (scontrol.deleteReservation(name)) {
          log.info("cluster {}: removed leftover hold {}", paths.root().getFileName(), name);
        }
      }
    } catch (RuntimeException e) {
      log.debug("cluster {}: could not look for leftover holds: {}", paths.root(), e.getMessage());
    }
  }

  /** Pure: of the reservation {@code names}, the holds not {@code inPlace} here. */
  static List<String> leftovers(Collection<String> names, Predicate<String> inPlace) {
    return names.stream().filter(n -> HOLD.matcher(n).matches() && !inPlace.test(n)).toList();
  }

  /**
   * Whether this server has the hold {@code name} of the cluster at {@code clusterRoot} in place.
   */
  boolean inPlace(Path clusterRoot, String name) {
    return inPlace.contains(key(clusterRoot, name));
  }

  private static String key(Path clusterRoot, String name) {
    return clusterRoot.toAbsolutePath().normalize() + "/" + name;
  }
}
