package org.openpcs.slurm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * slurm.conf's {@code NodeName=} and {@code PartitionName=} lines: the checks on the node and
 * partition lists as a whole, their order (which keeps renderings byte-identical whatever the input
 * order), and one line each.
 */
final class NodeAndPartitionLines {
  private static final Set<String> OWNED_NODE =
      CustomSettings.lower("NodeName", "NodeHostname", "NodeAddr", "Port", "State");
  private static final Set<String> OWNED_PARTITION =
      CustomSettings.lower("PartitionName", "Nodes", "State");
  // Ordered, so that the error message lists them the same way every time.
  private static final Set<String> PARTITION_STATES =
      java.util.Collections.unmodifiableSequencedSet(
          new LinkedHashSet<>(List.of("UP", "DOWN", "DRAIN", "INACTIVE")));

  private NodeAndPartitionLines() {}

  // ---------------------------------------------------------------- checks

  static List<NodeLine> sortedNodes(SlurmConfig c) {
    List<NodeLine> nodes = new ArrayList<>(c.nodes() == null ? List.of() : c.nodes());
    Set<String> names = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    for (NodeLine n : nodes) {
      ConfValues.name("node name", n.name());
      if (!names.add(n.name())) {
        throw new IllegalArgumentException("node " + n.name() + ": declared twice");
      }
      if (!endpoints.add(n.address() + ":" + n.port())) {
        throw new IllegalArgumentException("node " + n.name() + ": address and port already used");
      }
      if (n.port() == c.controller().slurmctldPort()) {
        throw new IllegalArgumentException("node " + n.name() + ": port is slurmctld's port");
      }
    }
    nodes.sort(Comparator.comparing(NodeLine::name, NaturalOrder.INSTANCE));
    return nodes;
  }

  static List<PartitionLine> sortedPartitions(SlurmConfig c, List<NodeLine> nodes) {
    Set<String> known = new HashSet<>();
    nodes.forEach(n -> known.add(n.name()));
    List<PartitionLine> parts =
        new ArrayList<>(c.partitions() == null ? List.of() : c.partitions());
    Set<String> names = new HashSet<>();
    for (PartitionLine p : parts) {
      ConfValues.name("partition name", p.name());
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("partition " + p.name() + ": declared twice");
      }
      for (String member : p.nodeNames() == null ? List.<String>of() : p.nodeNames()) {
        // slurmctld exits on a partition that names an unknown node.
        if (!known.contains(member)) {
          throw new IllegalArgumentException("partition " + p.name() + ": unknown node " + member);
        }
      }
    }
    parts.sort(Comparator.comparing(PartitionLine::name));
    return parts;
  }

  // ---------------------------------------------------------------- lines

  static String nodeLine(String host, NodeLine n) {
    ConfPairs attrs = new ConfPairs();
    attrs.put("NodeName", n.name());
    attrs.put("NodeHostname", host);
    attrs.put("NodeAddr", ConfValues.token("node " + n.name() + " address", n.address()));
    attrs.put("Port", Integer.toString(ConfValues.port("node " + n.name() + " port", n.port())));
    attrs.put(
        "CPUs", Integer.toString(ConfValues.positive("node " + n.name() + " cpus", n.cpus())));
    if (n.realMemoryMiB() <= 0) {
      throw new IllegalArgumentException("node " + n.name() + " realMemoryMiB: must be positive");
    }
    attrs.put("RealMemory", Long.toString(n.realMemoryMiB()));
    if (n.gpus() < 0) {
      throw new IllegalArgumentException("node " + n.name() + " gpus: must not be negative");
    }
    if (n.gpus() > 0) {
      attrs.put("Gres", "gpu:" + n.gpus());
    }
    // Features carry the group name and instance type; a user's Features setting adds to them.
    LinkedHashSet<String> features = new LinkedHashSet<>();
    for (String f : n.features() == null ? List.<String>of() : n.features()) {
      features.add(ConfValues.name("node " + n.name() + " feature", f));
    }
    List<String[]> settings =
        CustomSettings.validated(n.settings(), OWNED_NODE, "node " + n.name());
    for (String[] kv : settings) {
      if (kv[0].equalsIgnoreCase("Features")) {
        for (String f : kv[1].split(",")) {
          if (!f.isEmpty()) {
            features.add(ConfValues.name("node " + n.name() + " feature", f));
          }
        }
      }
    }
    if (!features.isEmpty()) {
      attrs.put("Features", String.join(",", features));
    }
    for (String[] kv : settings) {
      if (!kv[0].equalsIgnoreCase("Features")) {
        ConfValues.sharedLineValue("node " + n.name() + " " + kv[0], kv[1]);
        attrs.replaceOrAppend(kv[0], kv[1]);
      }
    }
    if (n.cloud()) {
      attrs.put("State", "CLOUD");
    }
    return attrs.joined();
  }

  static String partitionLine(PartitionLine part) {
    ConfPairs attrs = new ConfPairs();
    attrs.put("PartitionName", part.name());
    List<String> members = part.nodeNames() == null ? List.of() : part.nodeNames();
    // 22.05 accepts a partition line without Nodes= (an empty partition); "Nodes=" would not parse.
    if (!members.isEmpty()) {
      attrs.put("Nodes", Hostlist.compress(members));
    }
    String state = part.state() == null ? "UP" : part.state().toUpperCase(Locale.ROOT);
    if (!PARTITION_STATES.contains(state)) {
      throw new IllegalArgumentException(
          "partition " + part.name() + " state: must be one of " + PARTITION_STATES);
    }
    attrs.put("State", state);
    attrs.put("MaxTime", "INFINITE");
    for (String[] kv :
        CustomSettings.validated(part.settings(), OWNED_PARTITION, "partition " + part.name())) {
      ConfValues.sharedLineValue("partition " + part.name() + " " + kv[0], kv[1]);
      attrs.replaceOrAppend(kv[0], kv[1]);
    }
    return attrs.joined();
  }
}
