package org.openpcs.slurm;

import java.nio.file.Path;
import java.util.List;

/**
 * slurm.conf's power-saving parameters: the resume/suspend hooks, their timeouts and the static
 * nodes they must leave alone. Rendered only when at least one hook program is set.
 */
final class PowerSaving {
  /**
   * Safety net only: a failed launch is reported by the controllers (node set DOWN at once); this
   * bounds a launch that silently never registers. Long enough for a real instance to boot.
   */
  static final int RESUME_TIMEOUT_SECONDS = 600;

  private PowerSaving() {}

  /** Adds the power-saving parameters to {@code s} if any hook program is set. */
  static void put(ControllerConfig cc, List<NodeLine> nodes, ConfPairs s) {
    boolean enabled =
        cc.resumeProgram() != null || cc.suspendProgram() != null || cc.resumeFailProgram() != null;
    if (!enabled) {
      return;
    }
    putProgram(s, "ResumeProgram", cc.resumeProgram());
    putProgram(s, "SuspendProgram", cc.suspendProgram());
    putProgram(s, "ResumeFailProgram", cc.resumeFailProgram());
    // Starts a job on nodes powered up for it once they are up, not at 22.05's 30 s pass (D55).
    putProgram(s, "PrologSlurmctld", cc.prologSlurmctld());
    s.put(
        "SuspendTime",
        Integer.toString(ConfValues.positive("suspendTimeSeconds", cc.suspendTimeSeconds())));
    s.put(
        "SuspendTimeout",
        Integer.toString(ConfValues.positive("suspendTimeoutSeconds", cc.suspendTimeoutSeconds())));
    s.put("ResumeTimeout", Integer.toString(RESUME_TIMEOUT_SECONDS));
    s.put("ResumeRate", "0");
    s.put("SuspendRate", "0");
    // Power saving applies to every node unless excluded; static nodes must stay up.
    List<String> staticNodes = nodes.stream().filter(n -> !n.cloud()).map(NodeLine::name).toList();
    if (!staticNodes.isEmpty()) {
      s.put("SuspendExcNodes", Hostlist.compress(staticNodes));
    }
  }

  private static void putProgram(ConfPairs s, String key, Path program) {
    if (program != null) {
      if (!program.isAbsolute()) {
        throw new IllegalArgumentException(key + ": must be an absolute path");
      }
      s.put(key, ConfValues.token(key, program.toString()));
    }
  }
}
