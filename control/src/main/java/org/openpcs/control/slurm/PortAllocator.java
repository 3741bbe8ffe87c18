package org.openpcs.control.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpcs.store.StoreTx;

/**
 * Gives each slurmctld and slurmd of a cluster a port from the server's range. Allocations are rows
 * with the port as primary key, so two clusters (or two server replicas) can never get one port,
 * and a restart renders the same ports again. Ports that something else on the host already uses
 * are skipped.
 */
public final class PortAllocator {
  public static final String CONTROLLER = "slurmctld";

  private final PortRange range;
  private final PortProbe probe;

  /** Tells whether a port is free on this host right now. */
  @FunctionalInterface
  public interface PortProbe {
    boolean free(int port);
  }

  public PortAllocator(PortRange range, PortProbe probe) {
    this.range = range;
    this.probe = probe;
  }

  /** Thrown when the range has no free port left. */
  public static final class PortsExhaustedException extends RuntimeException {
    public PortsExhaustedException(String message) {
      super(message);
    }
  }

  /**
   * Ensures every owner (the controller, each node name) has a port, inside the caller's
   * transaction; releases ports of owners no longer wanted. Returns owner → port.
   */
  public Map<String, Integer> ensure(StoreTx tx, String clusterId, Collection<String> owners) {
    Map<String, Integer> have = new HashMap<>(tx.portsOf(clusterId));
    List<String> unwanted = have.keySet().stream().filter(o -> !owners.contains(o)).toList();
    if (!unwanted.isEmpty()) {
      tx.releasePorts(clusterId, unwanted);
      unwanted.forEach(have::remove);
    }
    List<String> missing =
        new ArrayList<>(owners.stream().filter(o -> !have.containsKey(o)).sorted().toList());
    if (missing.isEmpty()) {
      return have;
    }
    Set<Integer> taken = tx.allocatedPorts();
    int candidate = range.first();
    for (String owner : missing) {
      while (candidate <= range.last() && (taken.contains(candidate) || !probe.free(candidate))) {
        candidate++;
      }
      if (candidate > range.last()) {
        throw new PortsExhaustedException(
            "no free port left in "
                + range.first()
                + "-"
                + range.last()
                + " for "
                + missing.size()
                + " more Slurm daemons; widen --slurm-ports");
      }
      try {
        tx.allocatePort(clusterId, owner, candidate);
      } catch (org.openpcs.store.DuplicateNameException raced) {
        // Another cluster took this port in the same moment: the caller re-reads and tries again.
        throw new org.openpcs.store.StaleVersionException(
            "port " + candidate + " was taken concurrently");
      }
      have.put(owner, candidate);
      taken.add(candidate);
      candidate++;
    }
    return have;
  }
}
